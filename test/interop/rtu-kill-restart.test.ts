import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import mqtt from 'mqtt';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { startPymodbusSlave, type PymodbusSlave } from './pymodbus.js';
import { rtuSiteYaml } from './site.js';

/** Heap in use after a full collection (gc exposed at run time: vitest workers do not start with --expose-gc). */
function settledHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

const HOLD_S = 3; // rules.sensorLost.holdS in this test's config (default 10 s), to keep it short
const CYCLES = 2;

/** A healthy car idle at floor 2: door closed, in zone, circuits closed, mains present. */
const healthy = { positionMm: 6000, floor: 2, status: 0b10_0001_1101 };

/**
 * The RS-485 adapter vanishes under a running gateway: socat (the "cable") and the pymodbus
 * slave are killed, then started again on the same paths. The gateway, in this process, must
 * raise sensor-lost within its hold + 2 s, clear it within 5 s of the slave being back, reopen
 * the port by itself, and not grow.
 */
describe('RTU port killed and restarted under a running gateway', () => {
  const tmp = tempDir('elevgw-rtu-kill-');
  let pair: PtyPair | undefined;
  let slave: PymodbusSlave | undefined;
  let mosq: Mosquitto;
  let gw: Gateway;
  let sub: mqtt.MqttClient;
  const events: { phase: string; at: number }[] = [];

  const plugIn = async () => {
    pair = await startPtyPair(tmp.dir);
    slave = await startPymodbusSlave({ port: pair.a, ...healthy });
  };
  const yank = async () => {
    await pair?.close('SIGKILL'); // the cable goes first, like a pulled USB adapter
    // Its device nodes go too, as udev removes them: a dangling link could resolve to another
    // test's pty given the freed /dev/pts number, which the gateway would reopen (serial-pty.test.ts).
    if (pair) for (const link of [pair.a, pair.b]) rmSync(link, { force: true });
    await slave?.close('SIGKILL');
  };

  beforeAll(async () => {
    await plugIn();
    mosq = await Mosquitto.start();
    sub = await mqtt.connectAsync(mosq.url, { clientId: 'platform-rtu-kill' });
    sub.on('message', (_t, p) => {
      const e = JSON.parse(p.toString()) as { type: string; phase: string };
      if (e.type === 'sensor-lost') events.push({ phase: e.phase, at: performance.now() });
    });
    await sub.subscribeAsync('elevgw/v1/rtu-gw/elevators/+/events', { qos: 1 });
    const config = loadConfig(
      tmp.file('site.yaml', rtuSiteYaml({ path: join(tmp.dir, 'b'), brokerUrl: mosq.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, sensorLostHoldS: HOLD_S })),
    );
    gw = new Gateway({ config, logger: silentLogger });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sub?.endAsync();
    await mosq?.close();
    await yank();
    tmp.cleanup();
  });

  it(`raises sensor-lost within ${HOLD_S} s + 2 s of the loss and clears it within 5 s of the return, ${CYCLES} times over`, async () => {
    const monitor = gw.monitors.get('E1')!;
    await vi.waitFor(() => expect(monitor.driverHealth().state).toBe('ok'), { timeout: 10_000, interval: 50 });
    const pid = process.pid;
    const heap: number[] = [];

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      heap.push(settledHeap());
      const before = events.length;
      const lostAt = performance.now();
      await yank();
      await vi.waitFor(() => expect(events.length).toBe(before + 1), { timeout: (HOLD_S + 4) * 1000, interval: 50 });
      expect(events[before]!.phase).toBe('raised');
      expect(events[before]!.at - lostAt, `cycle ${cycle}: raised after`).toBeLessThanOrEqual(HOLD_S * 1000 + 2000);
      expect(monitor.driverHealth().state).toBe('lost');

      await plugIn();
      const backAt = performance.now();
      await vi.waitFor(() => expect(events.length).toBe(before + 2), { timeout: 8000, interval: 50 });
      expect(events[before + 1]!.phase).toBe('cleared');
      expect(events[before + 1]!.at - backAt, `cycle ${cycle}: cleared after`).toBeLessThanOrEqual(5000);
      expect(monitor.driverHealth().state).toBe('ok');
    }

    // Same process, one port in the registry, no growth worth a name across the outages.
    expect(process.pid).toBe(pid);
    expect(gw.buses.rtuPorts.size).toBe(1);
    expect(settledHeap() - heap[0]!).toBeLessThan(8 * 1024 * 1024);
    const h = monitor.driverHealth();
    expect(h.errorsByCode?.MODBUS_IO ?? 0).toBeGreaterThanOrEqual(CYCLES);
  });
});
