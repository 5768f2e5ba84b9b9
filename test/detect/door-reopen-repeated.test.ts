import { describe, expect, it } from 'vitest';
import { DoorReopenRepeatedRule } from '../../src/detect/rules/door-reopen-repeated.js';
import type { DoorState, SignalName } from '../../src/signals/types.js';
import { ruleContext, running, Scenario } from './scenario.js';

/** One reopening: the door starts closing, then opens again (`via` the states given; `bad` on the first). */
function reopen(sc: Scenario, via: DoorState[] = ['opening', 'open'], bad: SignalName[] = []) {
  sc.set({ door: 'closing' }).run(1_000);
  for (const [i, d] of via.entries()) sc.set({ door: d }).run(1_000, i === 0 ? bad : []);
}

/** A stop: the car arrives and the door opens once (the first opening is no reopening). */
function stop(sc: Scenario) {
  sc.set({ ...running(1.0), door: 'closed' }).run(3_000);
  sc.set({ speedMps: 0, doorZone: true }).run(1_000);
  sc.set({ door: 'open' }).run(2_000);
}

describe('door-reopen-repeated: what counts as a reopening', () => {
  const rule = () => new Scenario(new DoorReopenRepeatedRule(ruleContext()));

  it('only reopenings within 60 s of each other count: five spread over minutes are no fault', () => {
    const sc = rule();
    stop(sc);
    for (let i = 0; i < 6; i++) {
      reopen(sc);
      sc.run(18_000); // one every 20 s: at most three in any 60 s
    }
    expect(sc.events).toEqual([]);
  });

  it('a door that goes from closing straight to open (no opening state on the board) reopens too', () => {
    const sc = rule();
    stop(sc);
    for (let i = 0; i < 5; i++) reopen(sc, ['open']);
    expect(sc.events.map((e) => [e.phase, e.data])).toEqual([['raised', { reopenings: 5, windowS: 60, floor: 2 }]]);
  });

  it('a door reading unknown or bad between closing and opening still counts as reopening', () => {
    const unknown = rule();
    stop(unknown);
    for (let i = 0; i < 5; i++) reopen(unknown, ['unknown', 'open']);
    const bad = rule();
    stop(bad);
    for (let i = 0; i < 5; i++) reopen(bad, ['open', 'open'], ['door']);
    expect([unknown.events.length, bad.events.length]).toEqual([1, 1]);
  });

  it('the count starts again at every stop, and the fault can be raised again at a later stop', () => {
    const sc = rule();
    stop(sc);
    for (let i = 0; i < 5; i++) reopen(sc);
    stop(sc); // departs (cleared) and stops again
    for (let i = 0; i < 4; i++) reopen(sc);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared']);
    reopen(sc);
    expect(sc.events.map((e) => e.phase)).toEqual(['raised', 'cleared', 'raised']);
  });

  it('says null for a floor it cannot read', () => {
    const sc = rule();
    stop(sc);
    for (let i = 0; i < 4; i++) reopen(sc);
    sc.set({ door: 'closing' }).run(1_000);
    sc.set({ door: 'open' }).run(1_000, ['floor']);
    expect(sc.events[0]?.data?.floor).toBeNull();
  });
});
