import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { type EventPayload, payloadSchemas } from '../../../src/contract/payloads.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../src/platform/broker.js';
import { startPtyPair, type PtyPair } from '../../../src/sim/pty-pair.js';
import { startSimSerialSensorbox, type SimSerialSensorbox } from '../../../src/sim/serial-sensorbox-server.js';
import { SENSORBOX } from '../../../src/sim/serial-sensorbox.js';
import { SCENARIOS } from '../../../src/sim/scenarios.js';
import { CLI, readOutbox, runGateway, stopChild } from '../../helpers/child-gateway.js';
import { tempDir } from '../../helpers/tmp.js';
import { profileSiteYaml } from './site.js';

const { eventPayloadSchema } = payloadSchemas();

/**
 * `elevgw run` (the built CLI, as a child process) with boards/serial-sensorbox.yaml against the
 * simulator pushing serial-sensorbox frames into one end of a socat pty pair: the gateway reads
 * the other end as its serial port and reports the trapped passenger of the trapped scenario to a
 * platform subscriber.
 */
describe('serial-sensorbox profile: elevgw run against the simulator on a pty', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-profile-serial-');
  let pair: PtyPair;
  let sim: SimSerialSensorbox;
  let broker: EmbeddedBroker;
  let sub: mqtt.MqttClient;
  let child: ChildProcess | undefined;
  const events: EventPayload[] = [];
  const dbPath = () => join(tmp.dir, 'outbox.db');

  beforeAll(async () => {
    expect(existsSync(CLI), 'npm test builds dist/ before vitest runs').toBe(true);
    pair = await startPtyPair(tmp.dir);
    // Frames flow before the gateway opens its end, as from a box that is already powered.
    sim = await startSimSerialSensorbox({ path: pair.a, scenario: SCENARIOS.trapped!.scenario, timeScale: TIME_SCALE, loop: false });
    broker = await startEmbeddedBroker();
    sub = await mqtt.connectAsync(broker.url, { clientId: 'platform-serial' });
    sub.on('message', (_t, p) => events.push(eventPayloadSchema.parse(JSON.parse(p.toString()))));
    await sub.subscribeAsync('elevgw/v1/serial-gw/elevators/+/events', { qos: 1 });
    const config = tmp.file(
      'site.yaml',
      profileSiteYaml({
        gatewayId: 'serial-gw',
        board: 'serial-sensorbox',
        connection: `{ path: "${pair.b}", baudRate: ${SENSORBOX.baudRate} }`,
        brokerUrl: broker.url,
        outboxPath: dbPath(),
        timeScale: TIME_SCALE,
      }),
    );
    child = runGateway(config);
  });

  afterAll(async () => {
    if (child) await stopChild(child, 'SIGTERM');
    await sub?.endAsync();
    await broker?.close();
    await sim?.close();
    await pair?.close();
    tmp.cleanup();
  });

  it('delivers the trapped passenger read from the frames, and stops cleanly on SIGTERM', async () => {
    await vi.waitFor(() => expect(events.some((e) => e.type === 'trapped' && e.phase === 'raised')).toBe(true), { timeout: 30_000, interval: 50 });
    const raised = events.filter((e) => e.type === 'trapped' && e.phase === 'raised');
    expect(raised).toHaveLength(1);
    const ev = raised[0]!;
    expect(ev.elevator).toMatchObject({ id: 'E1', registrationCode: '31104201002026110001' });
    expect([ev.severity, ev.code]).toEqual(['critical', '11']); // 困人
    // Stalled between floors 2 and 3 (≈ 8.5 m), doors closed and locked, the passenger inside.
    expect(ev.state).toMatchObject({
      carStatus: 'stop',
      door: 'closed',
      doorClosedAndLocked: true,
      doorZone: false,
      occupied: true,
      mainsPower: true,
      safetyCircuit: true,
      floor: '3',
    });
    expect(ev.state?.positionMm).toBeGreaterThan(6000 + 500);
    expect(ev.state?.positionMm).toBeLessThan(9000 - 500);
    expect(ev.state?.badSignals).toBeUndefined();
    expect(ev.data).toMatchObject({ trigger: 'timeout', inZone: false });
    expect(events.filter((e) => e.type === 'sensor-lost')).toEqual([]);
    // Stored in the child's outbox, and marked delivered once the broker acknowledged it.
    await vi.waitFor(() => expect(readOutbox(dbPath(), `id = '${ev.id}'`)).toMatchObject([{ id: ev.id, type: 'trapped', delivered: true }]), { timeout: 5000, interval: 50 });

    expect(child!.exitCode).toBeNull(); // still running
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await stopChild(child!, 'SIGTERM');
    expect(await exited).toBe(0);
  });
});
