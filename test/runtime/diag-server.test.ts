import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { DiagClient } from '../../src/cli/diag-client.js';
import type { DiagEvent } from '../../src/contract/diag.js';
import { CLI } from '../helpers/child-gateway.js';
import { readOutbox } from '../helpers/child-gateway.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteYaml } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { loadConfig } from '../../src/config/load.js';

/** `elevgw …` as a child process; resolves with its exit code and output. */
function elevgw(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Raw lines over the socket, for hostile input. */
function rawExchange(path: string, payload: string): Promise<string[]> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got.split('\n').filter(Boolean)));
    s.on('connect', () => s.write(payload));
    setTimeout(() => s.destroy(), 1500).unref();
  });
}

/**
 * The running gateway's local diagnostics socket: `elevgw health` and the live views read the
 * gateway through it, read-only, without taking its bus.
 */
describe('diagnostics socket of a running gateway', () => {
  const tmp = tempDir('elevgw-diag-');
  const configFile = tmp.file('site.yaml', siteYaml({ simPort: 1, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, gatewayId: 'diag-gw' }));
  const config = loadConfig(configFile);
  const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock: systemClock, loop: true });
  const broker = new FakeBroker(systemClock, 1);
  let gw: Gateway;

  beforeAll(async () => {
    gw = new Gateway({
      config,
      logger: silentLogger,
      mqttConnect: broker.connect,
      driverFor: simDriverFor(sim, systemClock),
    });
    await gw.start();
  });

  afterAll(async () => {
    await gw.stop();
    tmp.cleanup();
  });

  it('listens next to the outbox, readable by the elevgw group only (0660)', () => {
    expect(config.diagSocketPath).toBe(join(tmp.dir, 'diag.sock'));
    expect(statSync(config.diagSocketPath).mode & 0o777).toBe(0o660);
  });

  it('elevgw health says the gateway is monitoring, and exits 0', async () => {
    const r = await elevgw('health', '--config', configFile);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^✓ gateway diag-gw .*1 elevator\(s\)/);
    expect(r.stdout).toMatch(/E1: driver ok, last detection step \d+ ms ago/);
    const zh = await elevgw('health', '--config', configFile, '--lang', 'zh');
    expect(zh.stdout).toMatch(/^✓ 网关 diag-gw .*，1 部电梯，发件箱待发 \d+ 条\n {2}E1：驱动 ok，上次检测 \d+ 毫秒前/);
    const json = JSON.parse((await elevgw('health', '--config', configFile, '--json')).stdout) as { healthy: boolean; reachable: boolean };
    expect(json).toMatchObject({ healthy: true, reachable: true });
  });

  it('a snapshot carries the floor table, the readings, the driver health and the outbox', async () => {
    const c = await DiagClient.connect(config.diagSocketPath);
    try {
      c.send({ op: 'snapshot', elevator: 'E1' });
      const r = await c.next();
      expect(r?.kind).toBe('snapshot');
      if (r?.kind !== 'snapshot') return;
      const e = r.snapshot.elevators[0]!;
      expect(e.floors[0]).toEqual({ label: 'B1', levelMm: 0 });
      expect(e.driver.state).toBe('ok');
      expect(e.signals.positionMm).toMatchObject({ quality: 'good' });
      expect(typeof e.signals.positionMm!.value).toBe('number');
      expect(r.snapshot.outbox.writable).toBe(true);
    } finally {
      c.close();
    }
  });

  it('a watch streams snapshots, and the events the gateway stores as it stores them', async () => {
    const c = await DiagClient.connect(config.diagSocketPath);
    try {
      c.send({ op: 'watch', everyMs: 100 });
      const first = await c.next();
      const second = await c.next();
      expect([first?.kind, second?.kind]).toEqual(['snapshot', 'snapshot']);
      sim.elevator.setInspection(true); // a maintenance session opens: an event
      let event: DiagEvent | undefined;
      for (let i = 0; i < 100 && event === undefined; i++) {
        const r = await c.next();
        if (r?.kind === 'event' && r.event.type === 'maintenance-session') event = r.event;
      }
      expect(event).toMatchObject({ elevatorId: 'E1', type: 'maintenance-session', phase: 'raised' });
      expect(readOutbox(config.outboxPath).map((row) => row.id)).toContain(event!.id);
    } finally {
      sim.elevator.setInspection(false);
      c.close();
    }
  });

  it('answers hostile input with an error and changes nothing; three errors close the connection', async () => {
    const before = readOutbox(config.outboxPath).length;
    const lines = await rawExchange(
      config.diagSocketPath,
      ['not json', '{"v":1,"op":"reboot"}', '{"v":1,"op":"snapshot","elevator":"E9"}', '{"v":1,"op":"health"}', ''].join('\n'),
    );
    const answers = lines.map((l) => JSON.parse(l) as { kind: string; error?: { code: string; message: string } });
    expect(answers.map((a) => a.kind)).toEqual(['error', 'error', 'error']);
    expect(answers.map((a) => a.error!.code)).toEqual(['DIAG_INVALID', 'DIAG_INVALID', 'DIAG_INVALID']);
    expect(answers[0]!.error!.message).toMatch(/not JSON/);
    expect(answers[1]!.error!.message).toMatch(/op/);
    expect(answers[2]!.error!.message).toMatch(/unknown elevator "E9"/);
    const long = await rawExchange(config.diagSocketPath, 'x'.repeat(10_000));
    expect(JSON.parse(long[0]!).error.message).toMatch(/too long/);
    // Read-only: the gateway stored nothing because of any of this, and still monitors.
    expect(readOutbox(config.outboxPath).length - before).toBeLessThanOrEqual(1); // at most an unrelated telemetry row
    expect((await elevgw('health', '--config', configFile)).status).toBe(0);
  });
});

describe('elevgw health without a running gateway', () => {
  it('says so in one line with what to check, and exits 3', async () => {
    const tmp = tempDir('elevgw-nodiag-');
    try {
      const file = tmp.file('site.yaml', siteYaml({ simPort: 1, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1 }));
      const r = await elevgw('health', '--config', file);
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/no running gateway answers on .*diag\.sock .*systemctl status elevgw/);
    } finally {
      tmp.cleanup();
    }
  });
});
