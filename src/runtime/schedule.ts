import type { Clock, Timer } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/** Stops what a schedule function started. */
export type Cancel = () => void;

/**
 * Runs `job` every `periodMs` of the clock's monotonic time, first after one period. A job that
 * throws is logged and the schedule goes on.
 */
export function every(clock: Clock, periodMs: number, job: () => void, logger: Logger, name: string): Cancel {
  let timer: Timer | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    try {
      job();
    } catch (e) {
      logger.error({ job: name, err: errorMessage(e) }, `scheduled job ${name} failed`);
    }
    timer = clock.after(periodMs, tick);
  };
  timer = clock.after(periodMs, tick);
  return () => {
    stopped = true;
    timer?.cancel();
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The local calendar hour and day of a wall time, as keys that change exactly at the boundary.
 * Without `timeZone`, in the process's own zone (TZ, else /etc/localtime) through Date's local
 * fields: an Intl.DateTimeFormat would page in ICU's locale and zone data, about 7 MiB that
 * `elevgw run` would then keep resident for years (issue 15). A named zone (tests) uses Intl.
 */
export function wallKeys(wallMs: number, timeZone?: string): { hour: string; day: string } {
  if (timeZone === undefined) {
    const d = new Date(wallMs);
    const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
    return { day, hour: `${day}T${pad(d.getHours())}` };
  }
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f); // building one costs about a millisecond; a gateway has one time zone
  }
  const parts = f.formatToParts(new Date(wallMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = `${get('year')}-${get('month')}-${get('day')}`;
  return { day, hour: `${day}T${get('hour')}` };
}

/**
 * Calls `onBoundary('hour')` when the local wall-clock hour changes and `onBoundary('day')` at
 * local midnight, checking every `checkEveryMs` of monotonic time. Comparing calendar keys rather
 * than arming a timer for the next boundary keeps it right when the wall clock jumps — a Raspberry
 * Pi without RTC boots with a stale time and NTP corrects it hours later: one roll-up per change,
 * never a burst of missed ones.
 */
export function onWallBoundaries(clock: Clock, timeZone: string | undefined, onBoundary: (period: 'hour' | 'day') => void, logger: Logger, checkEveryMs = 15_000): Cancel {
  let last = wallKeys(clock.wallNow(), timeZone);
  return every(
    clock,
    checkEveryMs,
    () => {
      const now = wallKeys(clock.wallNow(), timeZone);
      const hour = now.hour !== last.hour;
      const day = now.day !== last.day;
      last = now;
      if (hour) onBoundary('hour');
      if (day) onBoundary('day');
    },
    logger,
    'stats roll-up',
  );
}
