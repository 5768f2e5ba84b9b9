import { afterEach, describe, expect, it } from 'vitest';
import { newKeyState } from '../../../src/detect/health/baseline.js';
import type { BaselineStore, HealthMeta } from '../../../src/detect/health/baseline-store.js';

/**
 * One contract, every BaselineStore: the in-memory store that replay and most tests use must
 * behave as the SQLite one the gateway runs on.
 */
export function baselineStoreContract(name: string, open: () => BaselineStore): void {
  describe(`${name} (BaselineStore contract)`, () => {
    let store: BaselineStore | undefined;
    const fresh = () => (store = open());
    afterEach(() => store?.close());

    const meta = (healthMs: number): HealthMeta => ({
      healthMs,
      counters: { trips: 10, doorCycles: 12, runningMs: 3_600_000 },
      blocks: { doorReopens: { count: 2, exposure: 30, byFloor: { '3': 2 } } },
    });
    const learned = () => ({ ...newKeyState(0), base: { median: 3.1, mad: 0.05, n: 80, learnedH: 7 }, recent: [3.1, 3.2, 3], daily: [[1, 3.1]] as [number, number][] });

    it('knows nothing of a lift it never saved', () => {
      expect(fresh().load('E1')).toBeUndefined();
    });

    it('gives back what was saved, per lift', () => {
      const s = fresh();
      s.save('E1', meta(5), new Map([['doorCloseS@5', learned()]]));
      s.save('E2', meta(9), new Map());
      expect(s.load('E1')).toEqual({ meta: meta(5), keys: new Map([['doorCloseS@5', learned()]]) });
      expect(s.load('E2')?.keys.size).toBe(0);
      expect(s.load('E2')?.meta.healthMs).toBe(9);
    });

    it('a save writes only the keys given; null deletes one (a reset)', () => {
      const s = fresh();
      s.save(
        'E1',
        meta(1),
        new Map([
          ['a', learned()],
          ['b', learned()],
        ]),
      );
      s.save(
        'E1',
        meta(2),
        new Map([
          ['b', null],
          ['c', newKeyState(2)],
        ]),
      );
      expect([...s.load('E1')!.keys.keys()].sort()).toEqual(['a', 'c']);
      expect(s.load('E1')!.meta.healthMs).toBe(2);
    });

    it('hands out copies: changing what was loaded or saved changes nothing stored', () => {
      const s = fresh();
      const st = learned();
      s.save('E1', meta(1), new Map([['a', st]]));
      st.recent.push(99);
      s.load('E1')!.keys.get('a')!.recent.push(98);
      expect(s.load('E1')!.keys.get('a')!.recent).toEqual([3.1, 3.2, 3]);
    });
  });
}
