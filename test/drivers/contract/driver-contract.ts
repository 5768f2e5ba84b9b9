import { settle } from '../../helpers/turns.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Driver, RawPoint } from '../../../drivers/types.js';
import type { FakeClock } from '../../../src/core/clock.js';
import type { DriverErrorCode } from '../../../src/core/errors.js';

/** Reopen back-off every rig configures its driver with. */
export const BACKOFF = { minMs: 500, maxMs: 2000 } as const;
const POLL_MS = 100;

/**
 * A driver with a fake device behind its real transport code, for the one contract every
 * driver keeps. The device can be unplugged and plugged back; time is a FakeClock.
 */
export interface DriverRig {
  readonly driver: Driver;
  readonly clock: FakeClock;
  readonly group: string;
  /** The code health shows while the device is gone. */
  readonly lostCode: DriverErrorCode;
  /** Some points and the values a good poll reads for them. */
  readonly expected: Record<string, number | boolean>;
  /** The device reports its values now (a frame, a Firmata report); nothing for polled devices. */
  report(): Promise<void>;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  /** Times the driver has tried to open its transport. */
  attempts(): number;
  dispose(): Promise<void>;
}

const allGood = (pts: RawPoint[]) => pts.length > 0 && pts.every((p) => p.quality === 'good');
const allBad = (pts: RawPoint[]) => pts.length > 0 && pts.every((p) => p.quality === 'bad');

/**
 * The driver contract, run against every transport (test/drivers/contract/*.test.ts), the way
 * one outbox contract suite runs against both outboxes: open, read, unplug, reopen, back-off
 * in sample time, health and error codes, close.
 */
export function driverContract(name: string, makeRig: () => Promise<DriverRig>): void {
  describe(`driver contract: ${name}`, () => {
    let rig: DriverRig | undefined;
    const fresh = async () => (rig = await makeRig());
    afterEach(async () => {
      await rig?.dispose();
      rig = undefined;
    });

    /** One poll period later, a poll (with what the device reported meanwhile). */
    const pollNext = async (r: DriverRig) => {
      r.clock.advance(POLL_MS);
      await r.report();
      await settle();
      return r.driver.poll(r.group);
    };

    it('opens, reads the device through the board profile, and says it is healthy', async () => {
      const r = await fresh();
      await r.driver.open();
      const points = await pollNext(r);
      expect(allGood(points), JSON.stringify(points)).toBe(true);
      const values = Object.fromEntries(points.map((p) => [p.point, p.value]));
      expect(values).toMatchObject(r.expected);
      expect(r.driver.health()).toMatchObject({ state: 'ok', link: 'open', consecutiveFailures: 0 });
      expect(r.driver.health().transactions).toBeGreaterThan(0);
    });

    it('given no device, open() resolves, every point reads bad and health says lost with its code', async () => {
      const r = await fresh();
      await r.unplug();
      await expect(r.driver.open()).resolves.toBeUndefined();
      expect(allBad(await pollNext(r))).toBe(true);
      const h = r.driver.health();
      expect(h).toMatchObject({ state: 'lost', lastErrorCode: r.lostCode, link: 'backing-off' });
      expect(h.errorsByCode[r.lostCode]).toBeGreaterThanOrEqual(1);
      expect(h.lastError).toBeTruthy();
    });

    it('given the device unplugged while open, reads bad at once, then reopens after the back-off and reads good', async () => {
      const r = await fresh();
      await r.driver.open();
      expect(allGood(await pollNext(r))).toBe(true);
      const unpluggedAt = r.clock.now();
      await r.unplug();
      await settle();
      expect(allBad(await pollNext(r))).toBe(true);
      expect(r.driver.health()).toMatchObject({ state: 'lost', lastErrorCode: r.lostCode });
      await r.plug();
      const before = r.attempts();
      // Not before the minimum back-off from the loss (noticed at once by a port, at the next poll by a link) …
      while (r.clock.now() + POLL_MS < unpluggedAt + BACKOFF.minMs) expect(allBad(await pollNext(r))).toBe(true);
      expect(r.attempts()).toBe(before);
      // … and at it: reopened, reading good, healthy again.
      let points = await pollNext(r);
      for (let i = 0; i < 3 && !allGood(points); i++) points = await pollNext(r); // a push source reports after it reopens
      expect(allGood(points), JSON.stringify(points)).toBe(true);
      expect(r.attempts()).toBe(before + 1);
      expect(r.driver.health()).toMatchObject({ state: 'ok', link: 'open' });
    });

    it('retries an absent device with a back-off that doubles up to its maximum, in sample time', async () => {
      const r = await fresh();
      await r.unplug();
      await r.driver.open();
      const attemptsAt: number[] = [r.clock.now()];
      let seen = r.attempts();
      const end = r.clock.now() + 9000;
      while (r.clock.now() < end) {
        await pollNext(r);
        if (r.attempts() > seen) {
          seen = r.attempts();
          attemptsAt.push(r.clock.now());
        }
      }
      const gaps = attemptsAt.slice(1).map((t, i) => t - attemptsAt[i]!);
      expect(gaps).toEqual([500, 1000, 2000, 2000, 2000]);
      expect(r.driver.health().errorsByCode[r.lostCode]).toBe(attemptsAt.length);
    });

    it('after close, never opens or reads again, and polls read bad', async () => {
      const r = await fresh();
      await r.driver.open();
      expect(allGood(await pollNext(r))).toBe(true);
      await r.driver.close();
      const attempts = r.attempts();
      for (let i = 0; i < 30; i++) expect(allBad(await pollNext(r))).toBe(true);
      expect(r.attempts()).toBe(attempts);
      expect(r.driver.health().link).toBe('closed');
      await expect(r.driver.close()).resolves.toBeUndefined();
    });
  });
}
