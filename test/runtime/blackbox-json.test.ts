import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlackboxJson, encodeBlackbox } from '../../src/runtime/blackbox-json.js';
import type { ElevatorSignals, Snapshot } from '../../src/signals/types.js';

/** Signals of every kind the black box writes, and one it leaves out (direction). */
const sample = <V>(value: fc.Arbitrary<V>) =>
  fc.record({ value, quality: fc.constantFrom('good' as const, 'bad' as const), at: fc.nat() }, { requiredKeys: ['value', 'quality', 'at'] });
const number = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -100_000, max: 100_000 }), fc.constantFrom(-0, 0.0005, 1234.5678));
const signalsArb: fc.Arbitrary<ElevatorSignals> = fc.record(
  {
    positionMm: sample(number),
    speedMps: sample(number),
    floor: sample(fc.integer({ min: 0, max: 40 })),
    levelingErrorMm: sample(number),
    door: sample(fc.constantFrom('open', 'closed', 'opening', 'closing') as fc.Arbitrary<'open' | 'closed'>),
    doorZone: sample(fc.boolean()),
    safetyCircuit: sample(fc.boolean()),
    direction: sample(fc.constantFrom('up', 'down', 'none') as fc.Arbitrary<'up' | 'down'>),
    alarmButton: sample(fc.boolean()),
  },
  { requiredKeys: [] },
);
const snapshots = fc.array(fc.record({ elevatorId: fc.constant('E1'), mono: fc.oneof(fc.nat(), fc.double({ min: -1e6, max: 1e6, noNaN: true })), signals: signalsArb }), {
  minLength: 1,
  maxLength: 20,
}) as fc.Arbitrary<Snapshot[]>;

/**
 * A raise's black box is written as JSON text from rows encoded ahead of it: it must be the very
 * text the object form stringifies to, whichever rows were prepared and whatever columns the
 * window has (the platform parses it against the contract).
 */
describe('black box as JSON text', () => {
  it('is JSON.stringify of the column-encoded black box, with any rows prepared ahead', () => {
    fc.assert(
      fc.property(snapshots, fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.array(fc.boolean()), (snaps, origin, prepared) => {
        const json = new BlackboxJson();
        snaps.forEach((s, i) => {
          if (prepared[i]) json.prepare(s.signals);
        });
        expect(json.encode(snaps, origin)).toBe(JSON.stringify(encodeBlackbox(snaps, origin)));
      }),
      { numRuns: 500 },
    );
  });

  it('encodes a prepared row again when the window has a column its snapshot lacks', () => {
    const json = new BlackboxJson();
    const a: Snapshot = { elevatorId: 'E1', mono: 0, signals: { door: { value: 'open', quality: 'good', at: 0 } } };
    const b: Snapshot = { elevatorId: 'E1', mono: 500, signals: { door: { value: 'closed', quality: 'good', at: 500 }, doorZone: { value: true, quality: 'good', at: 500 } } };
    json.prepare(a.signals);
    json.prepare(b.signals);
    expect(JSON.parse(json.encode([a, b], 500))).toEqual({
      columns: ['dtMs', 'door', 'doorZone'],
      rows: [
        [-500, 'open', null],
        [0, 'closed', true],
      ],
    });
    expect(JSON.parse(json.encode([a], 0))).toEqual({ columns: ['dtMs', 'door'], rows: [[0, 'open']] });
  });

  it('writes numbers to 0.001 and bad readings as null', () => {
    const snap: Snapshot = {
      elevatorId: 'E1',
      mono: 1000,
      signals: { positionMm: { value: 3004.12345, quality: 'good', at: 0 }, speedMps: { value: -1.23456, quality: 'good', at: 0 }, door: { value: 'open', quality: 'bad', at: 0 } },
    };
    const expected = { columns: ['dtMs', 'positionMm', 'speedMps', 'door'], rows: [[0, 3004.123, -1.235, null]] };
    expect(encodeBlackbox([snap], 1000)).toEqual(expected);
    expect(JSON.parse(new BlackboxJson().encode([snap], 1000))).toEqual(expected);
  });
});
