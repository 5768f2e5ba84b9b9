import type { Exposure, IndicatorId, KeyPlace } from '../../../src/detect/health/indicators.js';
import type { HealthSink, Tally } from '../../../src/detect/health/sink.js';

/** Writes down what the watchers report, in order. */
export class Recorder implements HealthSink {
  readonly lines: string[] = [];
  /** Running time tallied, ms (not a line: it comes on every moving step). */
  runningMs = 0;
  level(id: IndicatorId, place: KeyPlace, value: number): void {
    this.lines.push(`${id}@${place.floor ?? '*'}/${place.direction ?? '*'}=${Math.round(value * 1000) / 1000}`);
  }
  count(id: IndicatorId, floor: number | null, n = 1): void {
    if (n > 0) this.lines.push(`count ${id}${floor === null ? '' : `@${floor}`} ${n}`);
  }
  expose(exposure: Exposure, amount: number): void {
    if (exposure !== 'hours') this.lines.push(`expose ${exposure} ${amount}`);
  }
  tally(what: Tally, n = 1): void {
    if (what === 'runningMs') this.runningMs += n;
    else this.lines.push(`tally ${what}${n === 1 ? '' : ` ${n}`}`);
  }
}
