import { describe, expect, it } from 'vitest';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { runRetrofit, type TimedEvent } from './rig.js';

/**
 * A sensor of the box that fails is a lost sensor, not an elevator fault: what rests on it reads
 * bad from its last believable sample, `sensor-lost` raises after its hold (10 s), and no rule
 * raises on what it would have said.
 */
const trips = parseSimScenario({
  name: 'trips',
  durationS: 90,
  steps: [
    { atS: 10, action: 'call', floor: 9 },
    { atS: 40, action: 'call', floor: 2 },
    { atS: 70, action: 'call', floor: 6 },
  ],
});

function faultsRaised(events: TimedEvent[]): string[] {
  return events.filter((e) => e.phase === 'raised' && e.type !== 'blackbox').map((e) => `${e.type}@${e.atS}`);
}

describe('a failing sensor of the retrofit box', () => {
  it('a barometer that freezes mid-trip: position, floor and levelling read bad from its last conversion, sensor-lost 10 s later, nothing else', async () => {
    let frozenAt: number | undefined;
    const { events } = await runRetrofit({
      board: 'retrofit-pi-i2c-sensorbox',
      scenario: trips,
      beforePoll: ({ tMs, rig }) => {
        if (tMs === 14_000) {
          rig.box.barometer.freeze = true;
          frozenAt = tMs;
        }
      },
      onPoll: ({ tMs, signals }) => {
        if (frozenAt !== undefined && tMs > frozenAt + 2500) {
          expect(signals.positionMm?.quality, `at ${tMs}`).toBe('bad');
          expect(signals.positionMm!.at).toBeLessThanOrEqual(frozenAt);
          expect(signals.speedMps?.quality).toBe('good'); // the accelerometer still works
        }
      },
    });
    const lost = events.find((e) => e.type === 'sensor-lost' && e.phase === 'raised');
    expect(lost?.data).toMatchObject({ signals: ['floor', 'levelingErrorMm', 'positionMm'] });
    expect(lost!.atS).toBeGreaterThanOrEqual(frozenAt! / 1000 + 10 - 0.2);
    expect(lost!.atS).toBeLessThanOrEqual(frozenAt! / 1000 + 10.2);
    expect(faultsRaised(events).filter((f) => !f.startsWith('sensor-lost'))).toEqual([]);
  });

  it('an accelerometer stuck at full scale mid-trip: speed and position read bad, sensor-lost 10 s later, no overspeed', async () => {
    let saturatedAt: number | undefined;
    const { events } = await runRetrofit({
      board: 'retrofit-firmata-sensorbox',
      scenario: trips,
      beforePoll: ({ tMs, rig }) => {
        if (tMs === 13_000) {
          rig.box.accelerometer.saturate = true;
          saturatedAt = tMs;
        }
      },
      onPoll: ({ tMs, signals }) => {
        if (saturatedAt !== undefined && tMs > saturatedAt + 200) {
          expect(signals.speedMps?.quality, `at ${tMs}`).toBe('bad');
          expect(signals.speedMps!.at).toBeLessThanOrEqual(saturatedAt);
        }
      },
    });
    const lost = events.find((e) => e.type === 'sensor-lost' && e.phase === 'raised');
    expect(lost?.data).toMatchObject({ signals: expect.arrayContaining(['direction', 'positionMm', 'speedMps']) });
    expect(lost!.atS).toBeGreaterThanOrEqual(saturatedAt! / 1000 + 10 - 0.2);
    expect(lost!.atS).toBeLessThanOrEqual(saturatedAt! / 1000 + 10.2);
    expect(faultsRaised(events).filter((f) => !f.startsWith('sensor-lost'))).toEqual([]);
  });

  it('an accelerometer repeating one sample (a stuck chip or bus) is as lost as a saturated one', async () => {
    const { events } = await runRetrofit({
      board: 'retrofit-pi-i2c-sensorbox',
      scenario: trips,
      beforePoll: ({ tMs, rig }) => {
        if (tMs === 50_000) rig.box.accelerometer.freeze = true;
      },
    });
    const lost = events.find((e) => e.type === 'sensor-lost' && e.phase === 'raised');
    expect(lost!.atS).toBeGreaterThan(60);
    expect(lost!.atS).toBeLessThan(61);
    expect(faultsRaised(events).filter((f) => !f.startsWith('sensor-lost'))).toEqual([]);
  });
});
