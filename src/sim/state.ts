/** Door phase as the door operator sees it. */
export type SimDoor = 'closed' | 'opening' | 'open' | 'closing';

/** Everything a sensor box or controller could report about the simulated elevator at one instant. */
export interface SimState {
  /** Simulated time since the elevator was created. */
  simMs: number;
  /** Car floor level in mm above the bottom landing. */
  positionMm: number;
  /** Signed car speed, + = up. */
  speedMps: number;
  door: SimDoor;
  /** Door fully closed. */
  doorClosed: boolean;
  /** Door fully open. */
  doorOpen: boolean;
  /** Upper leveling sensor; stays active a little below the zone (the car is low). */
  doorZoneUpper: boolean;
  /** Lower leveling sensor; stays active a little above the zone (the car is high). */
  doorZoneLower: boolean;
  /** true = closed (healthy). */
  safetyCircuit: boolean;
  /** true = locked; only while the door is fully closed. */
  doorLockCircuit: boolean;
  /** true = governor overspeed switch tripped. */
  overspeedSwitch: boolean;
  passengers: number;
  occupied: boolean;
  inspection: boolean;
  alarmButton: boolean;
  /** true = mains present. */
  mainsPower: boolean;
  /** true = tripped. */
  topFinalLimit: boolean;
  /** true = tripped. */
  bottomFinalLimit: boolean;
  /** Nearest landing index, as a controller reports it. */
  controllerFloor: number;
  /** Incremented once per simulated second (uint16, wraps); stops while the controller is frozen. */
  heartbeat: number;
}

export interface SimCounters {
  /** Starts from standstill. */
  trips: number;
  /** One open + close. */
  doorCycles: number;
}
