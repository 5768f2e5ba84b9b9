import type { ElevatorSignals } from '../../signals/types.js';
import { goodValue, isDoorNotClosed, isMoving } from './conditions.js';

export type DoorOpenOrigin = 'moving' | 'standing';

/**
 * Tells the two "door open and car moving" faults apart by what came first: a door that left
 * 'closed' while the car ran (运行中开门) or a car that started while its door stood open
 * (开门走车, unintended car movement). Unknown when the car's speed was unknown at that moment.
 */
export class DoorOpenOriginTracker {
  private open = false;
  private originValue: DoorOpenOrigin | undefined;
  private positionMm: number | undefined;

  get origin(): DoorOpenOrigin | undefined {
    return this.originValue;
  }

  /** Car position when the door left 'closed', when known. */
  get originPositionMm(): number | undefined {
    return this.positionMm;
  }

  step(s: ElevatorSignals, stationaryMps: number): void {
    const notClosed = isDoorNotClosed(s);
    if (notClosed === false) {
      this.open = false;
      this.originValue = undefined;
      this.positionMm = undefined;
    } else if (notClosed === true && !this.open) {
      this.open = true;
      const moving = isMoving(s, stationaryMps);
      this.originValue = moving === undefined ? undefined : moving ? 'moving' : 'standing';
      this.positionMm = goodValue(s.positionMm);
    }
  }
}
