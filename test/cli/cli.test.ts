import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { CLI } from '../helpers/child-gateway.js';
import { packageRoot } from '../../src/config/load.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { tempDir } from '../helpers/tmp.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { freePort } from '../helpers/ports.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function elevgw(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('elevgw CLI', () => {
  it('config validate accepts the demo config', () => {
    const r = elevgw('config', 'validate', join(packageRoot(), 'config', 'demo.yaml'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ok — gateway jh-demo-gw01, 1 elevator\(s\): E1 on sim-modbus/);
  });

  it('config validate refuses a broken file with every problem and a non-zero exit', () => {
    const bad = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
      .replace('ratedSpeedMps: 1.75', 'ratedSpeedMps: "fast"')
      .replace('board: sim-modbus', 'board: nope');
    const file = tmp.file('bad.yaml', bad);
    const r = elevgw('config', 'validate', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_INVALID/);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+ elevators\[0\]\.ratedSpeedMps: expected number, got string/);
  });

  it('config schema prints a JSON Schema for editors', () => {
    const r = elevgw('config', 'schema');
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['gateway', 'elevators', 'uplink', 'rules', 'outbox']));
  });

  it('diag outbox shows pending, delivered and size of a site outbox', () => {
    const db = join(tmp.dir, 'outbox.db');
    const outbox = SqliteOutbox.open(db, { maxBytes: 1e8, retentionMs: 1e9 });
    outbox.append(
      [1, 2, 3].map((n) => ({
        id: `01JDZ7Q4X8V1N6S2K3M9T0ABC${n}`,
        kind: 'event' as const,
        elevatorId: 'E1',
        priority: PRIORITY.fault,
        createdAt: Date.now() - 60_000,
        payload: '{}',
      })),
    );
    outbox.ack(['01JDZ7Q4X8V1N6S2K3M9T0ABC1']);
    outbox.close();
    const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace('path: ../data/demo-outbox.db', `path: ${db}`);
    const r = elevgw('diag', 'outbox', '--config', tmp.file('site.yaml', site), '--json');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as { pending: number; delivered: number; oldestPendingAgeS: number; dbBytes: number };
    expect(s.pending).toBe(2);
    expect(s.delivered).toBe(1);
    expect(s.oldestPendingAgeS).toBeGreaterThanOrEqual(59);
    expect(s.dbBytes).toBeGreaterThan(0);
  });

  it('sim refuses a malformed address with what it expected', () => {
    const r = elevgw('sim', '--modbus-tcp', 'localhost');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--modbus-tcp: expected HOST:PORT/);
  });

  it('diag rules lists armed rules and says what an unarmed rule lacks', () => {
    const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
      .replace('board: sim-modbus', 'board: rs485-di-module')
      .replace('connection: { host: 127.0.0.1, port: 1502, unitId: 1 }', 'connection: { path: /dev/ttyUSB0, baudRate: 9600, unitId: 1 }');
    const r = elevgw('diag', 'rules', '--config', tmp.file('di.yaml', site));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/armed +trapped/);
    expect(r.stdout).toMatch(/NOT armed overspeed — board lacks speedMps/);
  });

  it('diag signals prints live signals of an elevator read through its profile', async () => {
    const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true });
    try {
      const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace('port: 1502', `port: ${sim.port}`);
      const r = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'diag', 'signals', '--config', tmp.file('live.yaml', site), '--count', '3', '--interval', '100']);
        let stdout = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.on('exit', (status) => resolve({ status, stdout }));
      });
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/E1 on sim-modbus \(modbus-tcp\)/);
      expect(lines.slice(1)).toHaveLength(3);
      expect(lines[1]).toMatch(/floor B1 pos 0 mm 0\.00 m\/s door closed doorZone=1 .*\| driver ok$/);
    } finally {
      await sim.close();
    }
  });

  /** `elevgw diag signals` as a child; resolves with its exit code and output. */
  function diagSignals(...args: string[]): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve) => {
      const p = spawn(process.execPath, [CLI, 'diag', 'signals', ...args]);
      let stdout = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.on('exit', (status) => resolve({ status, stdout }));
    });
  }

  it('diag signals against a closed port shows ? for every reading, the driver lost with its error code, and exits 3', async () => {
    const port = await freePort(); // nothing listens there
    const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace('port: 1502', `port: ${port}`);
    const r = await diagSignals('--config', tmp.file('closed.yaml', site), '--count', '2', '--interval', '100');
    expect(r.status, 'the device could not be read').toBe(3);
    const line = r.stdout.trim().split('\n')[1]!;
    expect(line).toMatch(
      /floor \? pos \? mm \? m\/s door \? doorZone=\? occupied=\? safetyCircuit=\? doorClosedAndLocked=\? mainsPower=\? inspection=\? \| driver lost \(MODBUS_IO\)/,
    );
    expect(line).not.toMatch(/=[01]\b/);
  });

  it('diag signals --json gives null for a reading it never got, never a value', async () => {
    const port = await freePort();
    const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace('port: 1502', `port: ${port}`);
    const r = await diagSignals('--config', tmp.file('closed-json.yaml', site), '--count', '1', '--interval', '100', '--json');
    expect(r.status).toBe(3);
    const sample = JSON.parse(r.stdout.trim()) as { state: Record<string, unknown>; driver: { state: string; lastErrorCode: string } };
    expect(sample.state).toMatchObject({ floor: null, positionMm: null, speedMps: null, door: null, doorZone: null, occupied: null, mainsPower: null, safetyCircuit: null });
    expect(sample.driver).toMatchObject({ state: 'lost', lastErrorCode: 'MODBUS_IO' });
  });
  it('run loads none of the other commands, nor what their options and help text import', () => {
    // A module hook (in its own thread) writes every module of dist/ that is loaded to stderr.
    const hook = `data:text/javascript,${encodeURIComponent("import{writeSync}from'node:fs';export async function load(u,c,n){if(u.includes('/dist/'))writeSync(2,'loaded '+u+'\\n');return n(u,c)}")}`;
    const register = `data:text/javascript,${encodeURIComponent(`import{register}from'node:module';register(${JSON.stringify(hook)});`)}`;
    const r = spawnSync(process.execPath, ['--import', register, CLI, 'run', '--config', join(tmp.dir, 'missing.yaml')], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_NOT_FOUND/);
    const loaded = [...r.stderr.matchAll(/^loaded \S*\/dist\/(\S+)$/gm)].map((m) => m[1]);
    expect(loaded).toEqual(expect.arrayContaining(['src/cli/run.js', 'src/config/load.js', 'src/runtime/gateway.js']));
    expect(loaded.filter((f) => /^src\/(cli\/(?!main|root|run|shutdown)|sim|replay|diag|platform|provision|install)\//.test(f!))).toEqual([]);
  });
});
