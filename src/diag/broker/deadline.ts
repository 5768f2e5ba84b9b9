import type { Timers } from '../../core/clock.js';

/** Thrown by `withDeadline` when the work did not settle in time. */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/**
 * `work` or a `DeadlineExceeded` after `ms` on the injected timers, whichever comes first; the
 * timer is cancelled when the work settles, so nothing keeps the process alive afterwards.
 */
export function withDeadline<T>(timers: Timers, ms: number, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = timers.after(ms, () => reject(new DeadlineExceeded(ms)));
    work.then(
      (v) => {
        timer.cancel();
        resolve(v);
      },
      (e: unknown) => {
        timer.cancel();
        reject(e);
      },
    );
  });
}
