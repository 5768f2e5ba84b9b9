import { describe, expect, it } from 'vitest';
import { CircuitWatch } from '../../../src/detect/health/circuit-watch.js';
import { DoorWatch } from '../../../src/detect/health/door-watch.js';
import type { Landing } from '../../../src/detect/health/sink.js';
import type { DoorState, SignalName } from '../../../src/signals/types.js';
import { PARKED, signals, type Values } from '../scenario.js';
import { Recorder } from './recorder.js';

/**
 * The door and circuit watchers at the edges a polled lift reaches: the same state read many
 * times, a bad read in the middle of a movement, a door away from a landing, a watch that starts
 * in the middle of something, and the boundaries of the holds they share with the fault rules.
 * What they report feeds the early warnings and the day's indicators.
 */
type DoorStep = [at: number, door: DoorState | undefined, landing?: Landing];

function door(steps: DoorStep[], minAttemptMs = 300): { r: Recorder; w: DoorWatch } {
  const r = new Recorder();
  const w = new DoorWatch(r, minAttemptMs);
  for (const [at, d, landing = 5] of steps) w.step(d, landing, at, false);
  return { r, w };
}

describe('DoorWatch at the edges', () => {
  it('a state read on every poll is one state: a closing is timed from leaving fully open', () => {
    const steps: DoorStep[] = [];
    for (let t = 0; t < 2_000; t += 100) steps.push([t, 'open']);
    for (let t = 2_000; t < 5_000; t += 100) steps.push([t, 'closing']);
    steps.push([5_000, 'closed'], [5_100, 'closed']);
    expect(door(steps).r.lines).toEqual(['expose closings 1', 'doorCloseS@5/*=3', 'tally doorCycle']);
  });

  it('a bad door read in a closing loses neither its time nor the cycle', () => {
    const { r } = door([
      [0, 'closed'],
      [1_000, 'open'],
      [2_000, 'closing'],
      [3_000, undefined],
      [3_100, 'unknown'],
      [4_000, 'closed'],
    ]);
    expect(r.lines).toEqual(['expose closings 1', 'doorCloseS@5/*=2', 'tally doorCycle']);
  });

  it('a watch that starts with the door open counts its closing as a cycle; one that starts closing counts nothing', () => {
    expect(
      door([
        [0, 'open'],
        [1_000, 'closed'],
      ]).r.lines,
    ).toEqual(['tally doorCycle']);
    expect(
      door([
        [0, 'closing'],
        [1_000, 'closed'],
      ]).r.lines,
    ).toEqual([]);
  });

  it('a door that never reached fully open makes no cycle, before or after a full one', () => {
    const half: DoorStep[] = [
      [0, 'closed'],
      [1_000, 'opening'],
      [1_500, 'closing'],
      [2_500, 'closed'],
    ];
    expect(door(half).r.lines).toEqual(['expose closings 1']); // a closing, but not from fully open: no time
    const { r } = door([
      [0, 'closed'],
      [1_000, 'open'],
      [5_000, 'closed'],
      [6_000, 'opening'],
      [6_500, 'closed'],
    ]);
    expect(r.lines.filter((l) => l.startsWith('tally'))).toEqual(['tally doorCycle']);
  });

  it('an opening reversed to closing has no opening time; an open reached from a reversed closing has none either', () => {
    expect(
      door([
        [0, 'closed'],
        [1_000, 'opening'],
        [1_800, 'closing'],
        [3_000, 'closed'],
      ]).r.lines.some((l) => l.startsWith('doorOpenS')),
    ).toBe(false);
    const { r } = door([
      [0, 'open'],
      [1_000, 'closing'],
      [1_400, 'opening'],
      [2_000, 'open'],
    ]);
    expect(r.lines.some((l) => l.startsWith('doorOpenS'))).toBe(false);
  });

  it('one reopening at a stop is counted once, whether the board shows the opening phase or only open and closed', () => {
    const phases = door([
      [0, 'closed'],
      [1_000, 'opening'],
      [2_000, 'open'],
      [5_000, 'closing'],
      [6_000, 'opening'],
      [7_000, 'open'],
      [9_000, 'closing'],
      [11_000, 'closed'],
    ]);
    phases.w.departed();
    expect(phases.r.lines.slice(-2)).toEqual(['count doorReopens 1', 'expose stops 1']);
    const contact = door([
      [0, 'closed'],
      [1_000, 'open'],
      [5_000, 'closed'],
      [6_000, 'open'],
      [9_000, 'closed'],
    ]);
    contact.w.departed();
    expect(contact.r.lines.slice(-2)).toEqual(['count doorReopens 1', 'expose stops 1']);
  });

  it('a departure from a stop where the door never opened exposes no stop', () => {
    const { r, w } = door([
      [0, 'closed'],
      [1_000, 'open'],
      [4_000, 'closed'],
    ]);
    w.departed();
    w.departed();
    expect(r.lines.filter((l) => l.includes('stops'))).toEqual(['expose stops 1']);
  });

  it('a door worked away from a landing gives no times and no stop', () => {
    const { r, w } = door([
      [0, 'closed', null],
      [1_000, 'opening', null],
      [2_000, 'open', null],
      [4_000, 'closing', null],
      [6_000, 'closed', null],
    ]);
    w.departed();
    expect(r.lines).toEqual(['expose closings 1', 'tally doorCycle']);
  });

  it('a closing reversed after exactly door-close-fault.minAttemptMs is a failed closing; a moment less is not', () => {
    expect(
      door([
        [0, 'open'],
        [1_000, 'closing'],
        [1_300, 'opening'],
      ]).r.lines,
    ).toEqual(['count failedCloses@5 1', 'expose closings 1']);
    expect(
      door([
        [0, 'open'],
        [1_000, 'closing'],
        [1_299, 'opening'],
      ]).r.lines,
    ).toEqual([]);
  });

  it('inspection forgets what the door was doing: a closing and a stop begun before it count nothing after', () => {
    const r = new Recorder();
    const w = new DoorWatch(r, 300);
    w.step('closed', 5, 0, false);
    w.step('open', 5, 1_000, false);
    w.step('closing', 5, 2_000, false);
    w.step('closing', 5, 3_000, true);
    w.step('closed', 5, 4_000, false);
    w.departed();
    expect(r.lines).toEqual([]);
  });
});

/** A circuit watch fed snapshots of `values` over PARKED at given times, `moving` as given. */
function circuits(steps: [at: number, values: Values, moving: boolean | undefined, bad?: SignalName[]][], omit: SignalName[] = []): string[] {
  const r = new Recorder();
  const w = new CircuitWatch(r, { safetyHoldMs: 500, lockHoldMs: 500 });
  for (const [at, values, moving, bad = []] of steps) {
    const v: Values = { ...PARKED, ...values };
    for (const n of omit) delete v[n];
    w.step(signals(v, at, bad), at, moving, false);
  }
  return r.lines.filter((l) => !l.includes('sensorDrops') && !l.includes('reconnect'));
}

describe('CircuitWatch at the edges', () => {
  it('a safety opening is timed from its start through bad reads: long, it is the fault’s, not a glitch', () => {
    expect(
      circuits([
        [0, { safetyCircuit: false }, false],
        [100, {}, false, ['safetyCircuit']],
        [700, { safetyCircuit: true }, false],
      ]),
    ).toEqual([]);
    expect(
      circuits([
        [0, { safetyCircuit: false }, false],
        [100, {}, false, ['safetyCircuit']],
        [300, { safetyCircuit: true }, false],
      ]),
    ).toEqual(['count safetyGlitches 1']);
  });

  it('an opening as long as the fault’s hold is the fault’s; a moment shorter is a glitch', () => {
    expect(
      circuits([
        [0, { safetyCircuit: false }, false],
        [500, { safetyCircuit: true }, false],
      ]),
    ).toEqual([]);
    expect(
      circuits([
        [0, { safetyCircuit: false }, false],
        [499, { safetyCircuit: true }, false],
      ]),
    ).toEqual(['count safetyGlitches 1']);
    const lock = (closeAt: number) =>
      circuits([
        [0, { doorLockCircuit: false }, true],
        [closeAt, { doorLockCircuit: true }, true],
      ]);
    expect([lock(499), lock(500), lock(900)]).toEqual([['count lockGlitches 1'], [], []]);
  });

  it('a lock opening while running is a glitch on a board without a door signal, not with the door open', () => {
    expect(
      circuits(
        [
          [0, { doorLockCircuit: false }, true],
          [200, { doorLockCircuit: true }, true],
        ],
        ['door'],
      ),
    ).toEqual(['count lockGlitches 1']);
    expect(
      circuits([
        [0, { doorLockCircuit: false, door: 'open' }, true],
        [200, { doorLockCircuit: true, door: 'open' }, true],
      ]),
    ).toEqual([]);
  });

  it('a lock open while standing, closed as the car starts, is no glitch', () => {
    expect(
      circuits([
        [0, { doorLockCircuit: false }, false],
        [100, { doorLockCircuit: true }, true],
      ]),
    ).toEqual([]);
  });

  it('a lock opening that reads bad a moment is one opening; a stop or an opening door ends the watch', () => {
    expect(
      circuits([
        [0, { doorLockCircuit: false }, true],
        [100, {}, true, ['doorLockCircuit']],
        [200, { doorLockCircuit: true }, true],
      ]),
    ).toEqual(['count lockGlitches 1']);
    expect(
      circuits([
        [0, { doorLockCircuit: false }, true],
        [100, { doorLockCircuit: true }, false],
      ]),
    ).toEqual([]);
    expect(
      circuits([
        [0, { doorLockCircuit: false }, true],
        [100, { doorLockCircuit: false, door: 'opening' }, true],
        [200, { doorLockCircuit: true }, true],
      ]),
    ).toEqual([]);
    // Open, stopped, running again still open: the glitch is timed from the new run.
    expect(
      circuits([
        [0, { doorLockCircuit: false }, true],
        [100, { doorLockCircuit: false }, false],
        [400, { doorLockCircuit: false }, true],
        [600, { doorLockCircuit: true }, true],
      ]),
    ).toEqual(['count lockGlitches 1']);
  });
});
