import { randomFillSync } from 'node:crypto';

/**
 * Event ids: ULID-shaped (26 chars of Crockford base32 = 48-bit epoch ms + 80 random bits),
 * so they sort by creation time and are unique per gateway without coordination.
 *
 * Monotonic by construction: each id is strictly greater (as a string) than the previous one,
 * even when the wall clock steps backwards (a Raspberry Pi without RTC boots in the past and
 * NTP corrects it later) — while the clock is behind, ids keep the last time and increment the
 * random part. Seeding with the outbox's `lastId()` carries this across restarts (resuming in
 * the next millisecond with a fresh random part: see the constructor).
 */

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
export const ID_LENGTH = TIME_LEN + RANDOM_LEN;
const MAX_TIME = 2 ** 48 - 1;

/** Random bytes fetched 64 ids at a time: one syscall and one buffer instead of one per event. */
const pool = Buffer.alloc(RANDOM_LEN * 64);
let poolAt = pool.length;
function pooledRandomDigits(): number[] {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = new Array<number>(RANDOM_LEN);
  for (let i = 0; i < RANDOM_LEN; i++) out[i] = pool[poolAt + i]! & 31;
  poolAt += RANDOM_LEN;
  return out;
}

const DIGIT = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

export interface IdSeed {
  /** The greatest id issued before (e.g. `outbox.lastId()`); ids continue above it. Ignored if not an id. */
  lastId?: string;
  /** Uniform in [0, 1); injectable for tests. Defaults to node:crypto. */
  random?: () => number;
}

export class EventIdFactory {
  private lastTime = -1;
  /** The random part as 16 base-32 digits, most significant first. */
  private lastRandom: number[] = [];
  private readonly randomDigits: () => number[];

  constructor(
    private readonly wallNow: () => number,
    seed: IdSeed = {},
  ) {
    const random = seed.random;
    this.randomDigits = random ? () => Array.from({ length: RANDOM_LEN }, () => Math.min(31, Math.max(0, Math.floor(random() * 32)))) : () => pooledRandomDigits(); // 256 is a multiple of 32: uniform
    const last = seed.lastId === undefined ? undefined : decode(seed.lastId);
    if (last && last.time < MAX_TIME) {
      // Not last + 1: ids the uplink published before the outbox's background fsync returned
      // may be gone from the file after a power cut (the platform has them). Counting on from
      // the last stored id, with the clock behind, would issue them again for other events.
      // The next millisecond with a fresh random part is above every stored id, and meets a
      // lost one with the chance of an 80-bit collision.
      this.lastTime = last.time + 1;
      this.lastRandom = this.randomDigits();
    } else if (last) {
      this.lastTime = last.time;
      this.lastRandom = last.random;
    }
  }

  next(): string {
    const wall = this.wallNow();
    const now = Number.isFinite(wall) ? Math.min(MAX_TIME, Math.max(0, Math.floor(wall))) : Math.max(0, this.lastTime);
    if (now > this.lastTime) {
      this.lastTime = now;
      this.lastRandom = this.randomDigits();
    } else if (!increment(this.lastRandom)) {
      // 2^80 ids in one millisecond cannot happen in practice; borrow the next millisecond anyway.
      if (this.lastTime >= MAX_TIME) throw new RangeError('event id space exhausted');
      this.lastTime += 1;
      this.lastRandom = new Array<number>(RANDOM_LEN).fill(0);
    }
    return encodeTime(this.lastTime) + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }

  /** The epoch ms encoded in an id (the clock the id was issued under, not necessarily true time). */
  idTime(id: string): number {
    return idTime(id);
  }
}

/** The epoch ms encoded in an id; NaN if `id` is not an event id. */
export function idTime(id: string): number {
  return decode(id)?.time ?? Number.NaN;
}

export function isEventId(id: string): boolean {
  return decode(id) !== undefined;
}

function encodeTime(time: number): string {
  let out = '';
  let t = time;
  for (let i = 0; i < TIME_LEN; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function decode(id: string): { time: number; random: number[] } | undefined {
  if (id.length !== ID_LENGTH) return undefined;
  const digits: number[] = [];
  // Upper case only: ids are compared as strings, and 'a' > 'Z'.
  for (const c of id) {
    const d = DIGIT.get(c);
    if (d === undefined) return undefined;
    digits.push(d);
  }
  let time = 0;
  for (const d of digits.slice(0, TIME_LEN)) time = time * 32 + d;
  if (time > MAX_TIME) return undefined;
  return { time, random: digits.slice(TIME_LEN) };
}

/** Adds one to a base-32 digit array in place; false on overflow. */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = digits[i]!;
    if (d < 31) {
      digits[i] = d + 1;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}
