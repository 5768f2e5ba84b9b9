import { allGood, goodValue, type ElevatorSignals } from '../../signals/types.js';
import type { HealthSink } from './sink.js';

export interface CircuitWatchOptions {
  /** Safety-circuit openings shorter than the fault's hold are glitches (rules.safetyCircuitOpen.holdMs). */
  safetyHoldMs: number;
  /** Lock-circuit openings while running shorter than the fault's hold are glitches (rules.doorLockFault.holdMs). */
  lockHoldMs: number;
}

/**
 * What does not yet raise a fault but says a contact or a link is going:
 * - safety-circuit interruptions shorter than safety-circuit-open's hold;
 * - door-lock circuit interruptions while running (door closed) shorter than door-lock-fault's hold;
 * - sensor-quality drops (every signal read good, then some signal bad — past the staleness
 *   window, so a lost poll or two is not one) and reconnects (all good again).
 * Interruptions in inspection are the technician's (testing a stop switch): not counted.
 */
export class CircuitWatch {
  private safetyOpenSince: number | undefined;
  private lockOpenSince: number | undefined;
  private allGood: boolean | undefined;

  constructor(
    private readonly sink: HealthSink,
    private readonly o: CircuitWatchOptions,
  ) {}

  step(s: ElevatorSignals, now: number, moving: boolean | undefined, inspection: boolean): void {
    this.quality(s, inspection);
    if (inspection) {
      this.safetyOpenSince = this.lockOpenSince = undefined;
      return;
    }
    const safety = goodValue(s.safetyCircuit);
    if (safety === false) this.safetyOpenSince ??= now;
    else if (safety === true && this.safetyOpenSince !== undefined) {
      if (now - this.safetyOpenSince < this.o.safetyHoldMs) this.sink.count('safetyGlitches', null);
      this.safetyOpenSince = undefined;
    }
    const lock = goodValue(s.doorLockCircuit);
    const doorClosed = s.door === undefined || goodValue(s.door) === 'closed';
    if (lock === false && moving === true && doorClosed) this.lockOpenSince ??= now;
    else if (this.lockOpenSince !== undefined && (lock === true || moving === false || !doorClosed)) {
      // Only a lock that closes again while the car still runs is a glitch; a stop ends the watch.
      if (lock === true && moving === true && now - this.lockOpenSince < this.o.lockHoldMs) this.sink.count('lockGlitches', null);
      this.lockOpenSince = undefined;
    }
  }

  /** In inspection a drop-out is not counted: the technician unplugs a box or a link on purpose. */
  private quality(s: ElevatorSignals, inspection: boolean): void {
    const good = allGood(s);
    if (this.allGood === true && !good && !inspection) this.sink.count('sensorDrops', null);
    if (this.allGood === false && good) this.sink.tally('reconnect');
    this.allGood = good;
  }
}
