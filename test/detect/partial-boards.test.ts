import { describe, expect, it } from 'vitest';
import { DoorOpenFaultRule } from '../../src/detect/rules/door-open-fault.js';
import { FloorPositionLostRule } from '../../src/detect/rules/floor-position-lost.js';
import { LevelingErrorRule } from '../../src/detect/rules/leveling-error.js';
import { ServiceModeRule } from '../../src/detect/rules/service-mode.js';
import type { Rule, Transition } from '../../src/detect/types.js';
import type { SignalName } from '../../src/signals/types.js';
import { phases, ruleContext, signals, type Values } from './scenario.js';

/**
 * A rule on a board that provides only `names`: the signals it lacks are absent from every
 * sample, not bad. Samples every 100 ms; each segment holds its values for `ms`.
 */
function onBoard(rule: (names: SignalName[]) => Rule, names: SignalName[], segments: [Values, number, SignalName[]?][]): Transition[] {
  const r = rule(names);
  const out: Transition[] = [];
  let t = 0;
  for (const [values, ms, bad = []] of segments) {
    const present = Object.fromEntries(Object.entries(values).filter(([k]) => names.includes(k as SignalName)));
    for (const end = t + ms; t < end; t += 100) out.push(...r.step(signals(present, t, bad), t));
  }
  return out;
}

/** Retrofit boxes and simple controller maps give rules fewer inputs than a full controller. */
describe('rules on boards that lack some inputs', () => {
  const floorLost = (names: SignalName[]) => new FloorPositionLostRule(ruleContext({}, names));

  it('floor-position-lost compares floors without speed or zone sensors, taking the car as standing at a landing', () => {
    const events = onBoard(
      floorLost,
      ['positionMm', 'floor', 'controllerFloor'],
      [
        [{ positionMm: 6000, floor: 2, controllerFloor: 2 }, 1_000],
        [{ positionMm: 6000, floor: 2, controllerFloor: 3 }, 6_000],
        [{ positionMm: 6000, floor: 2, controllerFloor: 2 }, 2_000],
      ],
    );
    expect(phases(events)).toEqual(['raised@6000', 'cleared@8000']);
  });

  it('after a position jump on a position-only board, the settled new position is consistent enough to clear', () => {
    const events = onBoard(
      floorLost,
      ['positionMm', 'floor'],
      [
        [{ positionMm: 6000, floor: 2 }, 1_000],
        [{ positionMm: 3000, floor: 1 }, 3_000],
      ],
    );
    expect(events.map((e) => `${e.phase}@${e.mono} ${e.data?.kind}`)).toEqual(['raised@1500 jump', 'cleared@2600 jump']);
  });

  it('service-mode on a board with an inspection switch but no mains sensor: back from inspection is normal', () => {
    let rule: ServiceModeRule | undefined;
    const events = onBoard(
      (names) => (rule = new ServiceModeRule(ruleContext({}, names))),
      ['inspection'],
      [
        [{ inspection: false }, 3_000],
        [{ inspection: true }, 3_000],
        [{ inspection: false }, 3_000],
      ],
    );
    expect(events.map((e) => e.data?.mode)).toEqual(['inspection', 'normal']);
    expect(rule?.mode).toBe('normal');
  });

  it('door-open-fault judges a door stuck opening on a board without speed, or without zone sensors', () => {
    const stuck = (names: SignalName[]) =>
      onBoard((n) => new DoorOpenFaultRule(ruleContext({}, n)), names, [
        [{ speedMps: 0, doorZone: true, door: 'closed' }, 1_000],
        [{ speedMps: 0, doorZone: true, door: 'opening' }, 16_000],
      ]);
    expect(phases(stuck(['door', 'doorZone']))).toEqual(['raised@16000']);
    expect(phases(stuck(['door', 'speedMps']))).toEqual(['raised@16000']);
  });

  it('a stop whose leveling error reads badly is not measured', () => {
    const events = onBoard(
      (names) => new LevelingErrorRule(ruleContext({}, names)),
      ['speedMps', 'door', 'doorZone', 'levelingErrorMm'],
      [
        [{ speedMps: 0.5, door: 'closed', doorZone: true, levelingErrorMm: 40 }, 2_000],
        [{ speedMps: 0, door: 'open', doorZone: true, levelingErrorMm: 40 }, 5_000, ['levelingErrorMm']],
      ],
    );
    expect(events).toEqual([]);
  });
});
