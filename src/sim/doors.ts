import type { SimDoor } from './state.js';

/**
 * The door operator: closed → opening → open (dwell) → closing → closed. An obstruction while
 * closing reverses the doors from where they are; a door cycle is counted when the doors close
 * again after having opened.
 */
export class DoorOperator {
  private current: SimDoor = 'closed';
  /** 0 = closed … 1 = fully open. */
  private opening = 0;
  private dwellLeftMs = 0;
  private cycleCount = 0;

  constructor(private readonly t: { openMs: number; closeMs: number; dwellMs: number }) {}

  get phase(): SimDoor {
    return this.current;
  }

  get cycles(): number {
    return this.cycleCount;
  }

  /** Open (or reopen) the doors; already open: start the dwell again. */
  open(): void {
    if (this.current === 'open') this.dwellLeftMs = this.t.dwellMs;
    else if (this.current !== 'opening') this.current = 'opening';
  }

  /** Something in the doorway: closing doors reverse, open doors wait. Returns true on a reopening. */
  obstruct(): boolean {
    if (this.current === 'closing') {
      this.current = 'opening';
      return true;
    }
    if (this.current === 'open') this.dwellLeftMs = this.t.dwellMs;
    return false;
  }

  step(dtMs: number): void {
    switch (this.current) {
      case 'closed':
        return;
      case 'opening':
        this.opening = Math.min(1, this.opening + dtMs / this.t.openMs);
        if (this.opening === 1) {
          this.current = 'open';
          this.dwellLeftMs = this.t.dwellMs;
        }
        return;
      case 'open':
        this.dwellLeftMs -= dtMs;
        if (this.dwellLeftMs <= 0) this.current = 'closing';
        return;
      case 'closing':
        this.opening = Math.max(0, this.opening - dtMs / this.t.closeMs);
        if (this.opening === 0) {
          this.current = 'closed';
          this.cycleCount++;
        }
        return;
    }
  }
}
