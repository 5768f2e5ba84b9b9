import { describe, expect, it } from 'vitest';
import { SignalTimes } from '../../src/detect/signal-times.js';
import type { ElevatorSignals } from '../../src/signals/types.js';

/** What the engine learns from each step's snapshot: which signals changed, and when they were read. */
describe('SignalTimes', () => {
  const good = (value: number | boolean, at: number) => ({ value, quality: 'good' as const, at });

  it('a signal that leaves the snapshot is a change of value and of readability, once', () => {
    const t = new SignalTimes(['doorZone', 'speedMps']);
    const zone = t.mask(['doorZone']);
    t.read({ doorZone: good(true, 100), speedMps: good(0, 100) } as ElevatorSignals);
    t.read({ doorZone: good(true, 200), speedMps: good(0, 200) } as ElevatorSignals);
    expect([t.changed, t.readabilityChanged]).toEqual([0, 0]);
    // A recorded log whose line lacks the zone sensor (replay), or a board's input gone.
    t.read({ speedMps: good(0, 300) } as ElevatorSignals);
    expect([t.changed, t.readabilityChanged]).toEqual([zone, zone]);
    t.read({ speedMps: good(0, 400) } as ElevatorSignals);
    expect([t.changed, t.readabilityChanged]).toEqual([0, 0]);
    // Back with the value it had: a change again, from nothing.
    t.read({ doorZone: good(true, 500), speedMps: good(0, 500) } as ElevatorSignals);
    expect([t.changed, t.readabilityChanged]).toEqual([zone, zone]);
  });

  it('inputs read at one time give that time to every rule; read apart, each rule its earliest', () => {
    const t = new SignalTimes(['doorZone', 'speedMps']);
    t.read({ doorZone: good(true, 100), speedMps: good(0, 100) } as ElevatorSignals);
    expect(t.common(150)).toBe(100);
    expect(t.common(90)).toBe(90);
    // A poll group read the speed again; the zone's group did not answer this time.
    t.read({ doorZone: good(true, 100), speedMps: good(0.4, 180) } as ElevatorSignals);
    expect(t.common(200)).toBeNaN();
    expect(t.upTo(t.slots(['speedMps']), 200)).toBe(180);
    expect(t.upTo(t.slots(['speedMps', 'doorZone']), 200)).toBe(100);
    expect(t.upTo(t.slots(['speedMps', 'doorZone']), 50)).toBe(50);
    expect(t.upTo(t.slots([]), 200)).toBe(200);
    expect(t.previous('speedMps')).toBe(100);
  });
});
