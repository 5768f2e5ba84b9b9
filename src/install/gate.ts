/**
 * The health gate's verdict as a pure function of what was observed so far. After a restart the
 * service must, within the window, become healthy — systemd calls it `active` (with Type=notify,
 * only once the gateway sent READY=1: every elevator polled) and the gateway's own health check
 * passes (every poll loop progressing, the outbox writable) — and then stay so at every probe
 * until the window ends. A gateway that dies, or drops out of health after it passed, fails at
 * once: systemd would restart it (Restart=always) and a crash loop would look healthy at the
 * moments it happens to be up.
 */

export interface Probe {
  /** Monotonic ms. */
  at: number;
  /** `systemctl is-active elevgw.service`: active, activating, failed, inactive … */
  active: string;
  /** The gateway's health check passed. */
  healthy: boolean;
  /** What the health check said (its problems, or why no gateway answered). */
  detail: string;
}

export type Verdict = { verdict: 'wait' } | { verdict: 'pass'; healthyAfterMs: number } | { verdict: 'fail'; reason: string };

/** States systemd is in while a start is still under way: not (yet) a failure. */
const STARTING = new Set(['activating', 'reloading']);

export function gateVerdict(probes: readonly Probe[], startedAt: number, windowMs: number): Verdict {
  let healthySince: number | undefined;
  const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  for (const p of probes) {
    const up = p.active === 'active';
    if (!up && !(healthySince === undefined && STARTING.has(p.active))) {
      return { verdict: 'fail', reason: `the service is ${p.active} ${s(p.at - startedAt)} after the restart (it stopped or crashed)${p.detail ? `: ${p.detail}` : ''}` };
    }
    if (healthySince === undefined) {
      if (up && p.healthy) healthySince = p.at;
    } else if (!p.healthy) {
      return { verdict: 'fail', reason: `healthy ${s(healthySince - startedAt)} after the restart, unhealthy again at ${s(p.at - startedAt)}: ${p.detail}` };
    }
  }
  const last = probes.at(-1);
  if (!last || last.at - startedAt < windowMs) return { verdict: 'wait' };
  if (healthySince === undefined) return { verdict: 'fail', reason: `not healthy within ${s(windowMs)} of the restart: ${last.detail}` };
  return { verdict: 'pass', healthyAfterMs: healthySince - startedAt };
}
