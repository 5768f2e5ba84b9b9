import type { Driver } from '../../../drivers/types.js';
import type { RetrofitBoardProfile } from '../../config/board.js';
import type { Clock } from '../../core/clock.js';
import { type FusedSignals, fusedInputsOf, fusedSignalsFor } from '../../signals/fusion/fused-signals.js';
import { type LandingDrift, MIN_SAMPLES } from '../../signals/fusion/drift.js';
import { type LearnResult, ShaftLearner } from '../../signals/fusion/learn.js';
import type { LearnedShaft } from '../../signals/fusion/shaft.js';

/**
 * The two runs of `elevgw diag learn`, on the board's own driver and the injected clock, so the
 * simulator can drive them in sample time: the learning run itself, and the check of an existing
 * learned shaft against the car's stops (which offers a new learning run when its anchors drifted).
 */
export interface RunOptions {
  driver: Driver;
  board: RetrofitBoardProfile;
  clock: Pick<Clock, 'now'>;
  /** Waits one poll period (real time on site; the simulator steps instead). */
  wait(ms: number): Promise<void>;
  timeoutMs: number;
  /** Ctrl-C: ends the run or the check early (what was seen so far is given back, as at the timeout). */
  signal?: AbortSignal;
}

export type LearnOutcome = { ok: true; result: LearnResult } | { ok: false; reason: string; interrupted?: true };

/** Polls until the car has stopped at every landing and is back at the bottom, then gives what was learned. */
export async function runLearning(
  o: RunOptions & { configuredLevelsMm: readonly number[]; onProgress?: (p: { visited: number[]; at: number | undefined }) => void },
): Promise<LearnOutcome> {
  const learner = new ShaftLearner(o.configuredLevelsMm, { accelFullScaleMps2: o.board.sensors.accelerometer.rangeG * 9.80665, vanes: o.board.vanes });
  const group = o.board.pollGroups[0]!;
  const until = o.clock.now() + o.timeoutMs;
  let seen = '';
  while (o.clock.now() < until) {
    await o.wait(group.intervalMs);
    if (o.signal?.aborted) return { ok: false, reason: 'stopped with Ctrl-C', interrupted: true };
    learner.feed(fusedInputsOf(o.board, await o.driver.poll(group.name)));
    const p = learner.progress();
    const key = `${p.visited.join()}/${p.at}`;
    if (key !== seen) {
      seen = key;
      o.onProgress?.(p);
    }
    if (p.complete) {
      const r = learner.result();
      return 'missing' in r ? { ok: false, reason: r.missing } : { ok: true, result: r };
    }
  }
  const r = learner.result();
  return { ok: false, reason: 'missing' in r ? r.missing : 'the car did not come back to the bottom landing' };
}

export interface CheckOutcome {
  /** Stops at an identified landing during the check. */
  stops: number;
  drift: LandingDrift[];
  /** Landings whose anchors moved beyond the limits: a new learning run is worth it. */
  advised: LandingDrift[];
  /** Landings with too few stops during the check to judge (MIN_SAMPLES each). */
  unjudged: number[];
}

/**
 * Watches the fused signals with the learned shaft until `stops` stops (or, without `stops`, until
 * every landing can be judged: MIN_SAMPLES stops or edges at each), or the timeout, and reports how
 * far its anchors drifted.
 */
export async function checkShaft(o: RunOptions & { floorLevelsMm: readonly number[]; shaft: LearnedShaft; stops?: number }): Promise<CheckOutcome> {
  const fused: FusedSignals | undefined = fusedSignalsFor(o.board, { floorLevelsMm: o.floorLevelsMm, staleAfterMs: 3000, shaft: o.shaft });
  if (!fused) throw new Error(`board ${o.board.id} has no fused signals`);
  const group = o.board.pollGroups[0]!;
  const until = o.clock.now() + o.timeoutMs;
  let stops = 0;
  let wasStill = true;
  let allJudged = false;
  const enough = () => (o.stops === undefined ? allJudged : stops >= o.stops);
  while (o.clock.now() < until && !enough()) {
    await o.wait(group.intervalMs);
    if (o.signal?.aborted) break;
    fused.update(fusedInputsOf(o.board, await o.driver.poll(group.name)));
    const st = fused.status(o.clock.now());
    if (st.still && !wasStill && st.identified) {
      stops++;
      // Judged again at each stop only: the drift is worked out over every landing.
      allJudged = fused.fusion.anchorDrift().every((d) => d.stops >= MIN_SAMPLES);
    }
    wasStill = st.still;
  }
  const st = fused.status(o.clock.now());
  const drift = fused.fusion.anchorDrift();
  return { stops, drift, advised: st.drift, unjudged: drift.filter((d) => d.stops < MIN_SAMPLES).map((d) => d.landing) };
}
