import { beforeEach, describe, expect, it } from 'vitest';
import { HealthRecorder } from '../../drivers/kernel/health.js';
import { LinkSupervisor } from '../../drivers/kernel/supervisor.js';
import { FakeClock } from '../../src/core/clock.js';
import { ElevgwError } from '../../src/core/errors.js';
import { createLogger } from '../../src/core/log.js';

/**
 * The kernel's link supervisor with a transport the test controls: each open() waits until the
 * test settles it. What every driver (serial, Modbus, GPIO, Firmata, retrofit) relies on.
 */

interface Pending {
  resolve(t: string): void;
  reject(e: unknown): void;
}

let clock: FakeClock;
let opens: Pending[];
let released: string[];
let lines: { msg: string; link?: string; code?: string }[];
let health: HealthRecorder;
let sup: LinkSupervisor<string>;

beforeEach(() => {
  clock = new FakeClock(0);
  opens = [];
  released = [];
  lines = [];
  const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
  health = new HealthRecorder(logger, {}, clock);
  sup = new LinkSupervisor<string>({
    open: () => new Promise<string>((resolve, reject) => opens.push({ resolve, reject })),
    release: async (t) => {
      released.push(t);
    },
    clock,
    health,
    backoff: { minMs: 1000, maxMs: 4000 },
    openFailCode: 'SERIAL_IO',
    description: '/dev/ttyTEST@9600',
    logger,
  });
});

/** Lets the attempt's promise chain run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('link supervisor', () => {
  it('callers that ask while the transport is opening share one attempt', async () => {
    const first = sup.start();
    const again = sup.ensure();
    const third = sup.ensure();
    expect(opens).toHaveLength(1);
    expect(sup.state).toBe('opening');
    opens[0]!.resolve('port-1');
    expect(await Promise.all([first, again, third])).toEqual(['port-1', 'port-1', 'port-1']);
    expect([sup.current, sup.state, health.get().link]).toEqual(['port-1', 'open', 'open']);
    expect(await sup.ensure()).toBe('port-1');
    expect(opens).toHaveLength(1);
    expect(lines.map((l) => [l.msg, l.link])).toEqual([['transport open', '/dev/ttyTEST@9600']]);
  });

  it('a failed open: lost with its own code when it has a driver code, the supervisor’s otherwise', async () => {
    const a = sup.start();
    opens[0]!.reject(new ElevgwError('MODBUS_IO', 'connect ECONNREFUSED 127.0.0.1:1502'));
    expect(await a).toBeUndefined();
    expect(health.get()).toMatchObject({
      state: 'lost',
      link: 'backing-off',
      lastErrorCode: 'MODBUS_IO',
      lastError: 'open /dev/ttyTEST@9600: connect ECONNREFUSED 127.0.0.1:1502',
    });

    clock.advance(1000);
    const b = sup.ensure();
    opens[1]!.reject(new ElevgwError('CONFIG_INVALID', 'not a driver code'));
    await b;
    expect(health.get().lastErrorCode).toBe('SERIAL_IO');

    clock.advance(2000);
    const c = sup.ensure();
    opens[2]!.reject(new Error('EACCES: permission denied'));
    await c;
    expect(health.get()).toMatchObject({
      lastErrorCode: 'SERIAL_IO',
      lastError: 'open /dev/ttyTEST@9600: EACCES: permission denied',
      errorsByCode: { MODBUS_IO: 1, SERIAL_IO: 2 },
    });
  });

  it('after a failed open, no new attempt until the back-off is over; it doubles up to the maximum', async () => {
    const fail = async () => {
      opens.at(-1)!.reject(new Error('ENOENT'));
      await settle();
    };
    void sup.start();
    await fail();
    const attemptsAt: number[] = [];
    for (let t = 0; t <= 12_000; t += 500, clock.advance(500)) {
      const before = opens.length;
      void sup.ensure();
      if (opens.length > before) {
        attemptsAt.push(t);
        await fail();
      } else expect(health.get().link).toBe('backing-off');
    }
    // 1 s, then 2 s, then 4 s (the maximum), 4 s …
    expect(attemptsAt).toEqual([1000, 3000, 7000, 11_000]);
  });

  it('lost(): the transport is released, reopened after the minimum back-off, logged once', async () => {
    void sup.start();
    opens[0]!.resolve('port-1');
    await settle();
    clock.advance(10_000);
    sup.lost('SERIAL_IO', 'port-1 lost: EIO');
    sup.lost('SERIAL_IO', 'again'); // nothing open any more: ignored
    expect(released).toEqual(['port-1']);
    expect(health.get()).toMatchObject({ state: 'lost', link: 'lost', failures: 1, lastError: 'port-1 lost: EIO' });
    expect(await sup.ensure()).toBeUndefined();
    expect(opens).toHaveLength(1);
    clock.advance(999);
    expect(await sup.ensure()).toBeUndefined();
    clock.advance(1);
    const back = sup.ensure();
    opens[1]!.resolve('port-2');
    expect(await back).toBe('port-2');
    expect(lines.filter((l) => l.code === 'SERIAL_IO')).toHaveLength(1);
  });

  it('lost() with nothing open counts nothing', () => {
    sup.lost('SERIAL_IO', 'never opened');
    expect(health.get()).toMatchObject({ failures: 0, link: 'closed' });
  });

  it('stop() while opening: waits for the attempt and releases what it opened; stays closed', async () => {
    const a = sup.start();
    const stopped = sup.stop();
    opens[0]!.resolve('late-port');
    await stopped;
    expect(await a).toBeUndefined();
    expect(released).toEqual(['late-port']);
    expect([sup.current, sup.state, health.get().link]).toEqual([undefined, 'closed', 'closed']);
    expect(await sup.ensure()).toBeUndefined();
    expect(opens).toHaveLength(1);
  });

  it('stop() releases the open transport; start() opens again at once', async () => {
    void sup.start();
    opens[0]!.resolve('port-1');
    await settle();
    await sup.stop();
    expect(released).toEqual(['port-1']);
    expect(health.get().link).toBe('closed');
    const again = sup.start();
    expect(opens).toHaveLength(2);
    opens[1]!.resolve('port-2');
    expect(await again).toBe('port-2');
  });

  it('a new supervisor opens on first use, without start()', async () => {
    const t = sup.ensure();
    expect(opens).toHaveLength(1);
    opens[0]!.resolve('port-1');
    expect(await t).toBe('port-1');
  });
});
