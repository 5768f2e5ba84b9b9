import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { EventIdFactory } from '../../src/core/ids.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { RecordFactory } from '../../src/runtime/records.js';
import type { ElevatorSignals, Snapshot } from '../../src/signals/types.js';

/**
 * The records the gateway stores and sends, built from what the rules detected: the timestamps
 * the platform files a rescue ticket under, the link from a black-box follow-up to its raise, and
 * the running state every event and telemetry message carries.
 */

const WALL = Date.UTC(2026, 11, 7, 8, 0, 0);
const elevator = loadConfig(join(packageRoot(), 'config', 'demo.yaml')).elevators[0]!;
const good = <V>(value: V) => ({ value, quality: 'good' as const, at: 0 });
const bad = <V>(value: V) => ({ value, quality: 'bad' as const, at: 0 });

function factory(timeScale = 1) {
  const clock = new FakeClock(10_000, WALL);
  const records = new RecordFactory({ gatewayId: 'gw-1', ids: new EventIdFactory(() => clock.wallNow()), clock, timeScale, clockSynced: () => true, bootId: 'boot-1' });
  return { clock, records };
}
const payloadOf = (r: { payload: string }) => JSON.parse(r.payload) as Record<string, unknown> & { data?: Record<string, unknown>; state?: Record<string, unknown> };

const raise = (mono: number, blackbox?: Snapshot[]): DetectedEvent => ({
  elevatorId: elevator.config.id,
  type: 'stopped-outside-zone',
  phase: 'raised',
  severity: 'critical',
  mono,
  blackbox,
});
const snap = (mono: number): Snapshot => ({ elevatorId: elevator.config.id, mono, signals: { positionMm: good(3000), door: good('closed') } });

describe('records built from detections', () => {
  it('an event carries the wall time and monotonic time of its detection, not of its building', () => {
    const { records } = factory();
    const p = payloadOf(records.event(raise(9_000), elevator, {}));
    expect(p).toMatchObject({ at: new Date(WALL - 1000).toISOString(), monoMs: 9_000, gatewayId: 'gw-1', bootId: 'boot-1', type: 'stopped-outside-zone', phase: 'raised' });
  });

  it('under a simulation’s time scale, both count in real milliseconds', () => {
    const { records } = factory(10);
    const p = payloadOf(records.event(raise(9_000), elevator, {}));
    expect(p).toMatchObject({ at: new Date(WALL - 100).toISOString(), monoMs: 900 });
    expect(records.monoMs(5_000)).toBe(500);
  });

  it('a black-box follow-up names the raised event it completes by id; nothing else carries that link', () => {
    const { records } = factory();
    const raised = records.event(raise(9_000, [snap(8_500), snap(9_000)]), elevator, {});
    const cleared = payloadOf(records.event({ ...raise(9_500), phase: 'cleared' }, elevator, {}));
    const follow: DetectedEvent = {
      elevatorId: elevator.config.id,
      type: 'blackbox',
      phase: 'instant',
      severity: 'info',
      mono: 9_000,
      blackbox: [snap(9_500)],
      blackboxFor: { type: 'stopped-outside-zone', mono: 9_000 },
    };
    expect(payloadOf(records.event(follow, elevator, {})).data).toMatchObject({ forId: raised.id });
    expect(cleared.data?.forId).toBeUndefined();
    expect(payloadOf(raised).data?.forId).toBeUndefined();
  });

  it('the black box rides in the raised event, its rows relative to the raise; an empty one is left out', () => {
    const { records } = factory();
    const p = payloadOf(records.event(raise(9_000, [snap(8_500), snap(9_000)]), elevator, {}));
    expect(p.blackbox).toEqual({
      columns: ['dtMs', 'positionMm', 'door'],
      rows: [
        [-500, 3000, 'closed'],
        [0, 3000, 'closed'],
      ],
    });
    expect(payloadOf(records.event(raise(9_000, []), elevator, {}))).not.toHaveProperty('blackbox');
  });

  it('telemetry: the alarm button as read (null when bad, absent without one)', () => {
    const { records } = factory();
    const state = (s: ElevatorSignals) => payloadOf(records.telemetry(elevator, s, [])).state;
    expect(state({ alarmButton: good(true) })).toMatchObject({ alarmButton: true });
    expect(state({ alarmButton: good(false) })).toMatchObject({ alarmButton: false });
    expect(state({ alarmButton: bad(true) })).toMatchObject({ alarmButton: null });
    expect(state({})).not.toHaveProperty('alarmButton');
  });

  it('telemetry: the service mode the inspection and mains inputs show (code), null while one reads bad, absent without either', () => {
    const { records } = factory();
    const state = (s: ElevatorSignals) => payloadOf(records.telemetry(elevator, s, [])).state;
    // Codes in SERVICE_MODES order: 1 normal, 2 inspection, 5 emergency power.
    expect(state({ inspection: good(true) })).toMatchObject({ serviceMode: 2 });
    expect(state({ inspection: good(false), mainsPower: good(true) })).toMatchObject({ serviceMode: 1 });
    expect(state({ inspection: good(false), mainsPower: good(false) })).toMatchObject({ serviceMode: 5 });
    expect(state({ mainsPower: good(false) })).toMatchObject({ serviceMode: 5 }); // a board without an inspection input
    expect(state({ mainsPower: bad(true) })).toMatchObject({ serviceMode: null });
    expect(state({ inspection: bad(false), mainsPower: good(true) })).toMatchObject({ serviceMode: null });
    expect(state({ occupied: good(true) })).not.toHaveProperty('serviceMode');
  });
});
