import type { FusedInput } from '../../../src/signals/fusion/fused-signals.js';
import { type LearnResult, ShaftLearner } from '../../../src/signals/fusion/learn.js';
import { Car, FULL_SCALE } from './car.js';

export interface LearningOptions {
  /** The levels the site config gives, mm (default 0, 3, 6 m). */
  configured?: readonly number[];
  /** Where the landings really are, mm (default: as configured). */
  real?: readonly number[];
  /** Where the car stands when the run starts, mm (default: the bottom landing). */
  startMm?: number;
  /** Added to every poll: another signal the normalizer hands over. */
  perPoll?: (at: number) => FusedInput;
}

/**
 * A learning run driven by car.ts's car: its inputs handed to a ShaftLearner in 100 ms polls, as
 * the normalizer does, the car door open.
 */
export class Learning {
  readonly learner: ShaftLearner;
  readonly car: Car;
  /** Inputs handed over with the accelerometer sample of the given time (a glitch the car does not make). */
  readonly extra = new Map<number, FusedInput[]>();
  private batch: FusedInput[] = [{ signal: 'doorClosed', value: false, at: 0 }];
  private lastAt = 0;

  constructor(private readonly o: LearningOptions = {}) {
    const configured = o.configured ?? [0, 3000, 6000];
    this.learner = new ShaftLearner(configured, { accelFullScaleMps2: FULL_SCALE, vanes: { zoneMm: 150, spreadMm: 30 } });
    this.car = new Car({ learning: true }, { levels: o.real ?? configured, startMm: o.startMm ?? 0, tap: (i) => this.take(i) });
  }

  private take(i: FusedInput): void {
    if (i.signal === 'accelVerticalMps2') this.batch.push(...(this.extra.get(i.at) ?? []));
    this.batch.push(i);
    this.lastAt = i.at;
    if (i.signal === 'accelVerticalMps2' && i.at % 100 === 0) this.flush();
  }

  flush(): void {
    if (this.o.perPoll) this.batch.push(this.o.perPoll(this.lastAt));
    this.learner.feed(this.batch);
    this.batch = [];
  }

  /** To each level in turn, `standMs` at each (4 s: a stop is recorded after 2 s still, with 10 pressures). */
  visit(levels: readonly number[], standMs = 4000): this {
    for (const to of levels) {
      this.car.trip(to);
      this.car.stand(standMs);
    }
    return this;
  }

  result(): LearnResult | { missing: string } {
    this.flush();
    return this.learner.result();
  }
}

/** The learned shaft of a run expected to be complete. */
export function full(l: Learning): LearnResult {
  const r = l.result();
  if ('missing' in r) throw new Error(r.missing);
  return r;
}
