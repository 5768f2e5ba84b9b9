import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseRequest } from '../../drivers/modbus/rtu-request.js';
import { DiagClient } from '../../src/cli/diag-client.js';
import { startPtyPair, stopProcess, type PtyPair } from '../../src/sim/pty-pair.js';
import { startSimModbusRtu, type SimModbusRtu } from '../../src/sim/rtu-host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { runGateway } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';
import { startPymodbusSlave } from '../interop/pymodbus.js';
import { rtuSiteYaml } from '../interop/site.js';
import { elevgw } from './cli-run.js';
import { startDiModule, startRs485Bus, type Rs485Bus } from './rs485-bus.js';

interface ScanJson {
  devices: { port: string; baudRate: number; parity: string; otherParities: string[]; unitId: number; profile: string | null; fits: string[] }[];
  lines: { port: string; baudRate: number; parity: string; probed: number; heard: string; stoppedEarly: boolean }[];
  probes: number;
  budget: { searchMs: number; perDeviceMs: number; probes: number; totalMs: number };
  elapsedMs: number;
}

/**
 * The acceptance test of `diag scan` on a serial bus. Bus A is one wire (rs485_bus.py) at 19200
 * baud with three slaves behind it: the simulator (unit 3), a controller on Debian's pymodbus
 * (unit 17) and a DI module on pymodbus (unit 42). Bus B is a second port with one more pymodbus
 * controller (unit 5) at 38400. The bus proxy delivers bytes unchanged only between ends at the same
 * baud rate (garbled otherwise), so the slaves stay silent at every other setting, as on a real wire.
 */
describe('diag scan on RS-485 buses of the simulator and pymodbus slaves', () => {
  const tmp = tempDir('elevgw-scan-');
  let busA: Rs485Bus;
  let busB: Rs485Bus;
  let sim: SimModbusRtu;
  const slaves: { close(): Promise<void> }[] = [];
  let run: Awaited<ReturnType<typeof elevgw>>;
  let result: ScanJson;

  beforeAll(async () => {
    busA = await startRs485Bus(join(tmp.dir, 'a'), ['sim', 'controller', 'di']);
    busB = await startRs485Bus(join(tmp.dir, 'b'), ['controller']);
    sim = await startSimModbusRtu({ path: busA.slave('sim'), baudRate: 19_200, unitId: 3, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true });
    slaves.push(await startPymodbusSlave({ port: busA.slave('controller'), unit: 17, baud: 19_200 }));
    slaves.push(await startDiModule({ port: busA.slave('di'), unit: 42, baud: 19_200 }));
    slaves.push(await startPymodbusSlave({ port: busB.slave('controller'), unit: 5, baud: 38_400, positionMm: 12_000, floor: 4 }));
    // 14 unit ids × 3 baud rates × 2 parities per port: the full default range is announced in scan-budget.test.ts.
    run = await elevgw(['diag', 'scan', '--port', busA.master, '--port', busB.master, '--units', '1-12,17,42', '--bauds', '9600,19200,38400', '--parity', 'none,even', '--json']);
    result = JSON.parse(run.stdout) as ScanJson;
  }, 120_000);

  afterAll(async () => {
    await sim?.close();
    for (const s of slaves) await s.close();
    await busA?.close();
    await busB?.close();
    tmp.cleanup();
  });

  it('finds all four devices with their line settings and the board profile each fits', () => {
    expect(run.status, run.stderr).toBe(0);
    const found = result.devices.map((d) => ({ port: d.port, baud: d.baudRate, unit: d.unitId, profile: d.profile }));
    expect(found).toEqual([
      { port: busA.master, baud: 19_200, unit: 3, profile: 'sim-modbus' },
      { port: busA.master, baud: 19_200, unit: 17, profile: 'generic-modbus-controller' },
      { port: busA.master, baud: 19_200, unit: 42, profile: 'rs485-di-module' },
      { port: busB.master, baud: 38_400, unit: 5, profile: 'generic-modbus-controller' },
    ]);
    // A pty cannot tell parities apart (Linux drops PARENB on ptys): each answered at both, and says so.
    for (const d of result.devices) expect([d.parity, ...d.otherParities]).toEqual(['none', 'even']);
    // The simulator serves the generic map too; a controller serves discrete inputs too; the DI module nothing else.
    expect(result.devices[0]!.fits).toEqual(['sim-modbus', 'generic-modbus-controller', 'rs485-di-module']);
    expect(result.devices[2]!.fits).toEqual(['rs485-di-module']);
  });

  it('announces its budget first and gives up a silent line setting after the first ten unit ids', () => {
    expect(run.stderr.split('\n')[0]).toMatch(/^Scanning .*: up to \d+ s \(14 units × 3 bauds × 2 parities, stopping early on a silent line\), plus up to \d+ s per device found$/);
    const silent = result.lines.filter((l) => !(l.port === busA.master && l.baudRate === 19_200) && !(l.port === busB.master && l.baudRate === 38_400));
    expect(silent).toHaveLength(8);
    for (const l of silent) expect(l).toMatchObject({ heard: 'silent', probed: 10, stoppedEarly: true });
    const live = result.lines.filter((l) => !silent.includes(l));
    for (const l of live) expect(l).toMatchObject({ heard: 'answers', probed: 14, stoppedEarly: false });
    // What the budget assumed (every id timing out) against what was done: 4 × 14 + 8 × 10 of 12 × 14 probes.
    expect(result.probes).toBe(136);
    expect(result.budget.probes).toBe(168);
  });

  it('sends nothing but read function codes (FC 1–4): every byte on both wires is a read request', () => {
    for (const bus of [busA, busB]) {
      let rest: Buffer = Buffer.concat(bus.sent.map((s) => s.bytes));
      const codes = new Set<number>();
      let frames = 0;
      for (let m = parseRequest(rest); m.kind === 'request'; m = parseRequest(rest)) {
        codes.add(m.fc);
        frames++;
        rest = rest.subarray(m.end);
      }
      expect(rest.length, 'bytes that were not a whole request frame').toBe(0);
      expect(frames).toBeGreaterThanOrEqual(68); // the probes of one port, plus the matching reads
      expect(
        [...codes].every((fc) => fc >= 1 && fc <= 4),
        `function codes sent: ${[...codes].join(', ')}`,
      ).toBe(true);
    }
  });
});

describe('diag scan on a port the running gateway holds', () => {
  const tmp = tempDir('elevgw-scan-held-');
  let pair: PtyPair;
  let sim: SimModbusRtu;
  let gateway: ChildProcess;
  let site: string;

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    sim = await startSimModbusRtu({ path: pair.a, unitId: 1, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true });
    site = tmp.file('site.yaml', rtuSiteYaml({ path: pair.b, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1 }));
    gateway = runGateway(site);
    await monitoring(join(tmp.dir, 'diag.sock'));
  }, 60_000);

  afterAll(async () => {
    if (gateway) await stopProcess(gateway);
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('with the config: one line naming the service and offering diag live, exit 3, no Modbus error', async () => {
    const r = await elevgw(['diag', 'scan', '--port', pair.b, '--config', site, '--units', '1-3', '--bauds', '9600']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^✗ .* is in use by the running elevgw service \(elevator E1\).*elevgw diag live/)]);
    // --json: one object on stdout all the same, saying why there is nothing in it.
    const j = await elevgw(['diag', 'scan', '--port', pair.b, '--config', site, '--units', '1-3', '--bauds', '9600', '--json']);
    expect(j.status).toBe(3);
    expect(JSON.parse(j.stdout)).toEqual({
      devices: [],
      reachable: false,
      reason: 'held-by-service',
      problem: expect.stringMatching(/ is in use by the running elevgw service \(elevator E1\)/),
    });
  });

  it('without a config: the port lock says another program holds it, in the same one line', async () => {
    const r = await elevgw(['diag', 'scan', '--port', pair.b, '--units', '1', '--bauds', '9600', '--lang', 'zh']);
    expect(r.status).toBe(3);
    expect(r.stderr).not.toMatch(/MODBUS_|Error:|\n\s+at /);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^✗ .* 正被其他程序占用，多半是 elevgw 服务：请改用 "elevgw diag live"/)]);
  });

  it('leaves the gateway monitoring', async () => {
    const client = await DiagClient.connect(join(tmp.dir, 'diag.sock'));
    client.send({ op: 'health' });
    const h = await client.next();
    client.close();
    expect(h?.kind === 'health' && h.health.elevators[0]?.driver).toBe('ok');
  });
});

/** Resolves once the gateway answers on its socket with its elevator's driver reading the bus. */
async function monitoring(socket: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const client = await DiagClient.connect(socket, 500);
      client.send({ op: 'health' });
      const h = await client.next();
      client.close();
      if (h?.kind === 'health' && h.health.elevators[0]?.driver === 'ok') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no gateway monitoring behind ${socket}`);
}
