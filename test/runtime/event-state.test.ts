import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * docs/contract.md, "Running state": `state` of event.v1 and telemetry.v1 is the same running
 * status; a field is absent only when the board lacks the signal. GB/T 24476 group 3 (service
 * mode, alarm button) travels in both. The sim board has an alarm button, inspection and mains
 * inputs: telemetry carries `alarmButton` and `serviceMode`, and so must every event's `state`
 * (a rescue ticket opened from a trapped event reads whether the alarm button is pressed there).
 */
describe('event.v1 state carries the same running-state fields as telemetry', () => {
  const tmp = tempDir('elevgw-event-state-', '/dev/shm');
  afterAll(() => tmp.cleanup());

  it('alarmButton and serviceMode are in every event state when the board has the signals', async () => {
    const clock = new FakeClock(0, Date.UTC(2026, 2, 2, 0, 0, 0));
    const broker = new FakeBroker(clock, 5);
    const sim = new SimHost({ scenario: SCENARIOS.demo!.scenario, clock, loop: true });
    const config = siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, gatewayId: 'st-gw' });
    config.site.uplink.telemetryIntervalS = 10;
    const gw = new Gateway({
      config,
      logger: silentLogger,
      clock,
      clockSynced: () => true,
      timeZone: 'Asia/Shanghai',
      mqttConnect: broker.connect,
      driverFor: simDriverFor(sim, clock),
    });
    await gw.start();
    await clock.advanceAsync(4 * 60_000);
    const stopping = gw.stop();
    await clock.advanceAsync(10_000);
    await stopping;

    const parse = (f: string) => broker.on(f).map((m) => JSON.parse(m.payload) as { type?: string; state: Record<string, unknown> });
    const telemetry = parse('elevgw/v1/st-gw/elevators/+/telemetry');
    const events = parse('elevgw/v1/st-gw/elevators/+/events');
    expect(telemetry.length).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0);
    // The board has the signals: telemetry says so.
    expect(telemetry[0]!.state).toHaveProperty('alarmButton');
    expect(telemetry[0]!.state).toHaveProperty('serviceMode');
    const missing = events.filter((e) => !('alarmButton' in e.state) || !('serviceMode' in e.state)).map((e) => e.type);
    expect(missing, 'events whose state lacks alarmButton/serviceMode').toEqual([]);
  });
});
