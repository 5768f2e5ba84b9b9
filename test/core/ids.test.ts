import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { EventIdFactory, ID_LENGTH, idTime, isEventId } from '../../src/core/ids.js';

const T0 = Date.UTC(2026, 0, 1);
const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** A wall clock that returns the given readings in turn (the last one repeats). */
function readings(values: readonly number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? T0;
}

function expectStrictlyIncreasing(ids: readonly string[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} < ${ids[i]}`).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
}

describe('EventIdFactory', () => {
  it('issues 26-char Crockford ids that carry the wall time', () => {
    const f = new EventIdFactory(() => T0 + 1234.7);
    const id = f.next();
    expect(id).toHaveLength(ID_LENGTH);
    expect(id).toMatch(CROCKFORD);
    expect(f.idTime(id)).toBe(T0 + 1234);
    expect(isEventId(id)).toBe(true);
  });

  it('within one millisecond, increments the random part', () => {
    const f = new EventIdFactory(() => T0, { random: () => 0 });
    expect([f.next(), f.next(), f.next()].map((id) => id.slice(10))).toEqual(['0000000000000000', '0000000000000001', '0000000000000002']);
  });

  it('when the wall clock steps back (NTP after a boot without RTC), keeps the last time', () => {
    const f = new EventIdFactory(readings([T0 + 5000, T0, T0 + 10]));
    const ids = [f.next(), f.next(), f.next()];
    expectStrictlyIncreasing(ids);
    expect(ids.map((id) => idTime(id))).toEqual([T0 + 5000, T0 + 5000, T0 + 5000]);
  });

  it('when the random part is exhausted in one millisecond, borrows the next millisecond', () => {
    const f = new EventIdFactory(() => T0, { random: () => 0.99999 });
    const a = f.next();
    expect(a.slice(10)).toBe('ZZZZZZZZZZZZZZZZ');
    const b = f.next();
    expect(b > a).toBe(true);
    expect(idTime(b)).toBe(T0 + 1);
  });

  it('seeded with the last stored id after a restart, continues above it even if the clock is behind', () => {
    const before = new EventIdFactory(() => T0 + 60_000);
    const last = before.next();
    const after = new EventIdFactory(() => T0, { lastId: last });
    const next = after.next();
    expect(next > last).toBe(true);
    expect(idTime(next)).toBe(T0 + 60_000 + 1);
  });

  it('after a power cut, never issues again the ids that followed the last stored one', () => {
    // The clock is stuck behind (a Pi without RTC): before the cut, ids count up from `stored`;
    // the ones after it were published, but their rows were not yet fsynced and are gone.
    const before = new EventIdFactory(() => T0, { random: () => 0.5 });
    const stored = before.next();
    const lost = new Set(Array.from({ length: 100 }, () => before.next()));
    const after = new EventIdFactory(() => T0 - 5000, { lastId: stored, random: () => 0.5 });
    const reissued = Array.from({ length: 100 }, () => after.next()).filter((id) => lost.has(id));
    expect(reissued).toEqual([]);
  });

  it('ignores a seed that is not an event id', () => {
    const f = new EventIdFactory(() => T0, { lastId: 'not-an-id' });
    expect(idTime(f.next())).toBe(T0);
    expect(idTime('01arz3ndektsv4rrffq69g5fav')).toBeNaN(); // lower case would break string order
    expect(isEventId('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(false); // above 48 bits
  });

  it('survives a wall clock that returns NaN or a negative time', () => {
    const f = new EventIdFactory(readings([Number.NaN, -5, T0, Number.NaN]));
    expectStrictlyIncreasing([f.next(), f.next(), f.next(), f.next()]);
  });

  it('property: for any sequence of wall-clock readings, ids are strictly increasing and unique', () => {
    // Up to the id space's second-to-last millisecond (year 10889): in its very last one, a random
    // part that is all 31s cannot be incremented and nothing is left to borrow — next() then throws
    // a RangeError rather than repeat an id.
    // The seed's time stops one millisecond earlier: a factory seeded with a stored id goes on in
    // the millisecond after it (see ids.ts), which must not be the last one either.
    const LAST = 2 ** 48 - 2;
    const reading = fc.oneof(fc.integer({ min: 0, max: LAST }), fc.integer({ min: T0 - 10_000, max: T0 + 10_000 }), fc.constantFrom(T0, T0 + 1, 0));
    fc.assert(
      fc.property(
        fc.array(reading, { minLength: 1, maxLength: 200 }),
        fc.option(fc.integer({ min: 0, max: LAST - 1 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (wall, seedTime, r) => {
          const seed = seedTime === undefined ? undefined : new EventIdFactory(() => seedTime, { random: () => r }).next();
          const f = new EventIdFactory(readings(wall), { lastId: seed, random: () => r });
          const ids = wall.map(() => f.next());
          if (seed !== undefined) expect(ids[0]! > seed).toBe(true);
          expectStrictlyIncreasing(ids);
          for (const id of ids) expect(id).toMatch(CROCKFORD);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('two gateways in the same millisecond issue different ids: the random part is random', () => {
    // Factories share the module's pool of random bytes: 200 of them draw across several refills.
    const ids = Array.from({ length: 200 }, () => new EventIdFactory(() => T0).next());
    expect(new Set(ids).size).toBe(200);
    expect(new Set(ids.map((id) => id.slice(10, 11))).size).toBeGreaterThan(16);
  });

  it('every random part is random, the first of a process and the first after each refill of the pool included', async () => {
    vi.resetModules();
    const fresh = (await import('../../src/core/ids.js')).EventIdFactory;
    const ids = Array.from({ length: 300 }, () => new fresh(() => T0).next());
    // Eight equal digits in a row: about 1 in 4·10⁹ per id when the 80 bits are random.
    for (const id of ids) expect(id.slice(10)).not.toMatch(/(.)\1{7}/);
  });

  it('at the very end of the id space: counts on in the last millisecond, carrying into the first random digit, then refuses', () => {
    const last = 2 ** 48 - 1;
    const f = new EventIdFactory(() => last, { lastId: '7ZZZZZZZZZ0ZZZZZZZZZZZZZZZ' });
    expect(f.next()).toBe('7ZZZZZZZZZ1000000000000000');
    const full = new EventIdFactory(() => last, { lastId: '7ZZZZZZZZZZZZZZZZZZZZZZZZZ' });
    expect(() => full.next()).toThrow(new RangeError('event id space exhausted'));
  });

  it('knows an event id by its length, its alphabet and its 48-bit time', () => {
    const id = new EventIdFactory(() => T0).next();
    expect([id.slice(1), `${id}0`].map(isEventId)).toEqual([false, false]);
    for (const c of ['I', 'L', 'O', 'U', 'a', '-']) expect(isEventId(`${id.slice(0, 25)}${c}`), c).toBe(false);
    expect(isEventId('7ZZZZZZZZZ0000000000000000')).toBe(true); // the greatest time
    expect(idTime('7ZZZZZZZZZ0000000000000000')).toBe(2 ** 48 - 1);
  });

  it('a clock that reads NaN from the start: ids at time 0, still random', () => {
    const f = new EventIdFactory(() => Number.NaN);
    const [a, b] = [f.next(), new EventIdFactory(() => Number.NaN).next()];
    expect([idTime(a), idTime(b)]).toEqual([0, 0]);
    expect(a).not.toBe(b);
  });
});
