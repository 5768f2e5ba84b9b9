import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import { buildRules, type RuleContext } from '../../src/detect/rules/index.js';
import type { DetectedEvent, EventType, Rule } from '../../src/detect/types.js';
import type { SignalName } from '../../src/signals/types.js';
import { noisyTrace, type TraceStep } from './noisy-trace.js';
import { ALL_SIGNALS, FLOORS_MM, RATED_MPS } from './scenario.js';

/**
 * The rule as the engine would run it without `reads`: stepped on every sample, its QUIET taken
 * for nothing. Its state stays the rule's own (the wrapper inherits every field and method from it).
 */
function everyStep(rule: Rule): Rule {
  return Object.create(rule, { reads: { value: undefined } }) as Rule;
}

/**
 * The events of one type on a full board, with that rule's fields overridden (a rule misstating
 * what it watches), or the rules built from an altered context (`context`).
 */
function eventsOf(type: EventType, trace: readonly TraceStep[], override?: PropertyDescriptorMap, context?: Partial<RuleContext>): DetectedEvent[] {
  const engine = new DetectionEngine({
    elevatorId: 'Q',
    thresholds: defaultThresholds,
    ratedSpeedMps: RATED_MPS,
    floorLevelsMm: FLOORS_MM,
    available: new Set(ALL_SIGNALS),
    rules: (ctx) => buildRules({ ...ctx, ...context }).map((r) => (override && r.type === type ? (Object.create(r, override) as Rule) : r)),
  });
  return trace.flatMap(({ t, signals }) => engine.step(signals, t).filter((x) => x.type === type));
}

/** The catalogue `copies` times over: more rules than the engine schedules by bit mask. */
function catalogue(copies: number) {
  return (ctx: Parameters<typeof buildRules>[0]) => Array.from({ length: copies }, () => buildRules(ctx)).flat();
}

function run(seed: number, available: readonly SignalName[], skipQuiet: boolean, copies = 1, calm = 1, restamped = false): DetectedEvent[] {
  const rules = catalogue(copies);
  const engine = new DetectionEngine({
    elevatorId: 'Q',
    thresholds: defaultThresholds,
    ratedSpeedMps: RATED_MPS,
    floorLevelsMm: FLOORS_MM,
    available: new Set(available),
    rules: skipQuiet ? rules : (ctx) => rules(ctx).map(everyStep),
  });
  const events: DetectedEvent[] = [];
  for (const { t, signals } of noisyTrace({ seed, steps: calm > 1 ? 30_000 : 6_000, available, calm, restamped })) events.push(...engine.step(signals, t));
  events.push(...engine.flush());
  return events;
}

/**
 * Skipping a quiet rule until a signal it reads changes is an optimisation only: on noisy traces
 * (bad readings, held readings, uneven polls, partial boards) the engine emits exactly what it
 * emits when every rule runs on every sample — the same events, data and black boxes.
 */
describe('engine: skipping quiet rules', () => {
  it('emits the same as stepping every rule on every sample', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.subarray(ALL_SIGNALS, { minLength: 1 }), (seed, board) => {
        const available = board.length > 12 ? ALL_SIGNALS : board;
        const skipped = run(seed, available, true);
        expect(skipped).toEqual(run(seed, available, false));
      }),
      { numRuns: 12 },
    );
  });

  it('emits the same on calm traces, where rules sleep through whole holds and wake when they end', () => {
    const raised = new Set<string>();
    // Fixed seeds, so that the long holds below are sure to complete on some of them.
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const skipped = run(seed, ALL_SIGNALS, true, 1, 20);
      expect(skipped).toEqual(run(seed, ALL_SIGNALS, false, 1, 20));
      for (const e of skipped) if (e.phase === 'raised') raised.add(e.type);
    }
    // The long holds did complete: a door held open a minute, a run over its time, a passenger trapped.
    expect([...raised].sort()).toEqual(expect.arrayContaining(['door-open-too-long', 'run-time-exceeded', 'trapped']));
  });

  it('emits the same with more rules than one bit mask schedules (the rest run on every step)', () => {
    const skipped = run(11, ALL_SIGNALS, true, 2);
    expect(skipped).toEqual(run(11, ALL_SIGNALS, false, 2));
    // And every copy of a rule ran: each fault twice, as the catalogue alone raises it once.
    const faults = (events: DetectedEvent[]) => events.filter((e) => e.type !== 'blackbox').map((e) => `${e.type} ${e.phase}@${e.mono}`);
    const once = faults(run(11, ALL_SIGNALS, true));
    expect(once.length).toBeGreaterThan(50);
    expect(faults(skipped).sort()).toEqual([...once, ...once].sort());
  });

  it('emits the same when bad readings are restamped while they stay bad (sensor-lost watches their times)', () => {
    const lost = new Set<string>();
    for (const seed of [21, 22, 23, 24]) {
      const skipped = run(seed, ALL_SIGNALS, true, 1, 1, true);
      expect(skipped).toEqual(run(seed, ALL_SIGNALS, false, 1, 1, true));
      for (const e of skipped) if (e.type === 'sensor-lost') lost.add(e.phase);
    }
    expect([...lost].sort()).toEqual(['cleared', 'raised']);
  });

  it('the comparison sees a difference when sensor-lost is not woken by what it watches', () => {
    // sensor-lost claiming to watch no signal's readability sleeps through signals going bad.
    const trace = noisyTrace({ seed: 21, steps: 6_000, restamped: true });
    expect(eventsOf('sensor-lost', trace, { readsQuality: { value: [] } })).not.toEqual(eventsOf('sensor-lost', trace));
  });

  it('the comparison sees a difference when floor-position-lost does not catch up on the polls it slept through', () => {
    // Told nothing of when the position was last read, its jump detector measures a jump's reach
    // from the step before it slept: after a standstill, a car could have gone anywhere.
    const trace = noisyTrace({ seed: 1, steps: 6_000 });
    const forgetful = eventsOf('floor-position-lost', trace, undefined, { previousRead: () => Number.POSITIVE_INFINITY });
    expect(forgetful).not.toEqual(eventsOf('floor-position-lost', trace));
  });

  it('the comparison sees a difference when a rule misstates what it reads', () => {
    // Trapped claiming to read nothing but the door would miss the car stopping and the passenger.
    const trace = noisyTrace({ seed: 7, steps: 20_000 });
    expect(eventsOf('trapped', trace, { reads: { value: ['door'] } })).not.toEqual(eventsOf('trapped', trace));
  });
});
