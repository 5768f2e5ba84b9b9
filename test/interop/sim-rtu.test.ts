import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../../src/config/load.js';
import { silentLogger } from '../../src/core/log.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { startSimModbusRtu, type SimModbusRtu } from '../../src/sim/rtu-host.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { tempDir } from '../helpers/tmp.js';
import { mbpoll } from './mbpoll.js';
import { rtuSiteYaml } from './site.js';

describe('the simulator as a Modbus RTU slave on a pty, read by mbpoll', () => {
  const tmp = tempDir('elevgw-sim-rtu-');
  let pair: PtyPair;
  let sim: SimModbusRtu;

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    sim = await startSimModbusRtu({ path: pair.a, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 3600 }), timeScale: 1, loop: true });
  });

  afterAll(async () => {
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('answers a third-party RTU master with the generic controller map', async () => {
    const printed = await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-r', '1', '-c', '6', pair.b]);
    const expected = encodeControllerRegisters(sim.sim.state()).slice(0, 6);
    expect(printed.slice(0, 5)).toEqual(expected.slice(0, 5));
    expect(Math.abs(printed[5]! - expected[5]!)).toBeLessThanOrEqual(1);
  });

  it('serves the status bits as discrete inputs and refuses writes', async () => {
    const bits = await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-t', '1', '-r', '1', '-c', '12', pair.b]);
    const status = encodeControllerRegisters(sim.sim.state())[3]!;
    expect(bits).toEqual(Array.from({ length: 12 }, (_, i) => (status >> i) & 1));
    await expect(mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-r', '1', pair.b, '42'])).rejects.toThrow(/Illegal function/i);
  });
});

/**
 * `elevgw run` with generic-modbus-controller over RTU against the simulator, through a socat pty
 * pair: the in-process gateway (real RTU driver, rules, SQLite outbox, uplink) reports the
 * door-open-while-moving fault the simulator plays.
 */
describe('gateway over Modbus RTU against the simulator', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-gw-rtu-');
  let pair: PtyPair;
  let sim: SimModbusRtu;
  let broker: EmbeddedBroker;
  let gw: Gateway;
  let sub: mqtt.MqttClient;
  const events: { type: string; phase: string }[] = [];

  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    sim = await startSimModbusRtu({ path: pair.a, unitId: 1, scenario: SCENARIOS['door-open-while-moving']!.scenario, timeScale: TIME_SCALE, loop: true });
    broker = await startEmbeddedBroker();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-rtu' });
    sub.on('message', (_t, p) => events.push(JSON.parse(p.toString()) as { type: string; phase: string }));
    await sub.subscribeAsync('elevgw/v1/rtu-gw/elevators/+/events', { qos: 1 });
    const config = loadConfig(tmp.file('site.yaml', rtuSiteYaml({ path: pair.b, brokerUrl: broker.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: TIME_SCALE })));
    gw = new Gateway({ config, logger: silentLogger });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await sub?.endAsync();
    await broker?.close();
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('delivers door-open-while-moving read over RTU, with no sensor trouble on the way', async () => {
    await vi.waitFor(() => expect(events.some((e) => e.type === 'door-open-while-moving' && e.phase === 'raised')).toBe(true), { timeout: 20_000, interval: 100 });
    expect(events.filter((e) => e.type === 'sensor-lost')).toEqual([]);
    const health = gw.monitors.get('E1')!.driverHealth();
    expect(health.state).toBe('ok');
    expect(health.transactions).toBeGreaterThan(10);
    expect(health.errorsByCode).toEqual({});
  });
});
