import type { DoorState } from '../../signals/types.js';
import type { HealthSink, Landing } from './sink.js';

/**
 * The door at each stop, from its state (end contacts or the door operator's register):
 * - closing time: from leaving fully open to closed, for a closing that was not reversed (a
 *   reversed one is a failed closing, and its time says nothing of the operator);
 * - opening time: from leaving closed to fully open;
 * - failed closings: closings that reverse (to opening/open) after at least `minAttemptMs`, as
 *   door-close-fault counts them — a passenger in the doorway or a door that cannot close;
 * - reopenings: openings at a stop after the first, as door-reopen-repeated counts them;
 * - door cycles: open, then closed again (a wear counter).
 * A board with only a door-closed contact shows no closing or opening phase: no times, only
 * cycles. Nothing is counted in inspection (the technician works the door).
 */
export class DoorWatch {
  private last: DoorState | undefined;
  /** The closing under way began at fully open (its time is a closing time) at this instant. */
  private closeFrom: number | undefined;
  private closingSince: number | undefined;
  private openFrom: number | undefined;
  private openedAtStop = false;
  private reopenings = 0;
  private opened = false;

  constructor(
    private readonly sink: HealthSink,
    private readonly minAttemptMs: number,
  ) {}

  /** One sample: the door's state, the landing the car stands at (null when not standing in a zone). */
  step(door: DoorState | undefined, landing: Landing, now: number, inspection: boolean): void {
    if (inspection) {
      this.forget();
      return;
    }
    if (door === undefined || door === 'unknown' || door === this.last) return;
    const prev = this.last;
    this.last = door;
    if (prev === undefined) {
      // First seen open (a restart at a stop): its closing completes a cycle, as the statistics count it.
      this.opened = door === 'open';
      return;
    }
    if (door === 'closing') this.closingBegins(prev, now);
    else if (prev === 'closing') this.closingEnds(door, landing, now);
    if (door === 'opening') {
      if (prev === 'closed') this.openFrom = now;
    } else if (prev === 'opening') {
      if (door === 'open' && this.openFrom !== undefined && landing !== null) this.sink.level('doorOpenS', { floor: landing, direction: null }, (now - this.openFrom) / 1000);
      this.openFrom = undefined;
    }
    if ((door === 'opening' || door === 'open') && (prev === 'closed' || prev === 'closing')) this.openingBegins(landing);
    if (door === 'open') this.opened = true;
    if (door === 'closed' && this.opened) {
      this.opened = false;
      this.sink.tally('doorCycle');
    }
  }

  /** The car left the stop: the stop's reopenings count against it. */
  departed(): void {
    if (this.openedAtStop) {
      this.sink.count('doorReopens', null, this.reopenings);
      this.sink.expose('stops', 1);
    }
    this.openedAtStop = false;
    this.reopenings = 0;
  }

  private closingBegins(prev: DoorState, now: number): void {
    this.closingSince = now;
    this.closeFrom = prev === 'open' ? now : undefined;
  }

  private closingEnds(door: DoorState, landing: Landing, now: number): void {
    const since = this.closingSince;
    const from = this.closeFrom;
    this.closingSince = undefined;
    this.closeFrom = undefined;
    if (since === undefined) return;
    if (door === 'closed') {
      this.sink.expose('closings', 1);
      if (from !== undefined && landing !== null) this.sink.level('doorCloseS', { floor: landing, direction: null }, (now - from) / 1000);
    } else if (now - since >= this.minAttemptMs) {
      this.sink.count('failedCloses', landing);
      this.sink.expose('closings', 1);
    }
  }

  private openingBegins(landing: Landing): void {
    if (landing === null) return;
    if (this.openedAtStop) this.reopenings++;
    this.openedAtStop = true;
  }

  private forget(): void {
    this.last = undefined;
    this.closeFrom = this.closingSince = this.openFrom = undefined;
    this.openedAtStop = false;
    this.reopenings = 0;
  }
}
