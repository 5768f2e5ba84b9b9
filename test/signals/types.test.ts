import { describe, expect, it } from 'vitest';
import { signalNameSchema } from '../../src/contract/enums.js';
import { allGood, type ElevatorSignals, goodValue } from '../../src/signals/types.js';
import { PARKED, signals } from '../detect/scenario.js';

describe('signal helpers on the poll path', () => {
  it('allGood: a snapshot of good readings is all good, absent signals included', () => {
    expect(allGood(signals(PARKED, 1000))).toBe(true);
    expect(allGood({})).toBe(true);
    expect(allGood({ door: { value: 'closed', quality: 'good', at: 5 } })).toBe(true);
  });

  it('allGood: any one signal reading bad makes it false, whichever (a signal added and not checked fails here)', () => {
    for (const name of signalNameSchema.options) {
      const s = signals(PARKED, 1000, [name]);
      expect(s[name]?.quality, name).toBe('bad');
      expect(allGood(s), name).toBe(false);
      // Alone, too: no other signal's reading decides it.
      expect(allGood({ [name]: s[name] } as ElevatorSignals), name).toBe(false);
    }
  });

  it('goodValue: the value of a good reading, nothing of a bad or absent one', () => {
    const s = signals(PARKED, 1000, ['door']);
    expect(goodValue(s.floor)).toBe(2);
    expect(goodValue(s.safetyCircuit)).toBe(true);
    expect(goodValue(s.overspeedSwitch)).toBe(false);
    expect(goodValue(s.door)).toBeUndefined();
    expect(goodValue(undefined)).toBeUndefined();
  });
});
