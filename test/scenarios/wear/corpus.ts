import type { EventType } from '../../../src/detect/types.js';
import type { WearScenarioInput } from '../../../src/sim/wear/scenario.js';

/**
 * The early-warning corpus (docs/early-warning.md, "The corpus"): lifts living through weeks in
 * sample time. A degradation scenario names the cause its warning must give and the fault the
 * wear ends in; the warning must come first. A healthy one must give no warning at all.
 */
export interface DegradationCase {
  scenario: WearScenarioInput & { days: number };
  /** Causes (baseline key names) any of which is the right warning. */
  warns: RegExp;
  /** The fault the wear leads to (any of them, whichever the rules raise first). */
  fault: readonly EventType[];
}

const residential10 = { floors: 10, ratedSpeedMps: 1.75 };
const office20 = { floors: 20, ratedSpeedMps: 2.5, accelMps2: 1 };
const hospital6 = { floors: 6, ratedSpeedMps: 1, accelMps2: 0.6, doorOpenS: 3.5, doorCloseS: 4, dwellS: 6 };
const small4 = { floors: 4, floorHeightMm: 2800, ratedSpeedMps: 0.63, accelMps2: 0.5 };
const residential16 = { floors: 16, ratedSpeedMps: 2, accelMps2: 0.9 };
const office12 = { floors: 12, ratedSpeedMps: 1.75, accelMps2: 0.9 };

export const DEGRADATIONS: readonly DegradationCase[] = [
  {
    scenario: {
      name: 'door-operator-floor-5',
      description: 'the landing door at floor 5 closes slower and slower (hanger rollers, sill), then stalls and reverses',
      days: 40,
      seed: 101,
      building: residential10,
      traffic: { profile: 'residential', requestsPerDay: 90 },
      degradations: [{ kind: 'door-operator', landing: 5, motion: 'closing', onsetDay: 12 }],
    },
    warns: /^doorCloseS@5$/,
    fault: ['door-close-fault', 'door-reopen-repeated'],
  },
  {
    scenario: {
      name: 'door-operator-lobby-office',
      description: 'the lobby door of a 20-floor office building wears fastest: it slows, then stalls at the morning peak',
      days: 40,
      seed: 102,
      building: office20,
      traffic: { profile: 'office', requestsPerDay: 160, startWeekday: 2 },
      degradations: [{ kind: 'door-operator', landing: 0, motion: 'closing', onsetDay: 12, growthPerDay: 0.025 }],
    },
    warns: /^doorCloseS(@0)?$/,
    fault: ['door-close-fault', 'door-reopen-repeated'],
  },
  {
    scenario: {
      name: 'door-opening-floor-3',
      description: 'a hospital lift whose door at floor 3 opens slower and slower, then falls back closed',
      days: 40,
      seed: 103,
      building: hospital6,
      traffic: { profile: 'light', requestsPerDay: 120 },
      passengers: { holdDoor: 0.08, longHold: 0.005 },
      degradations: [{ kind: 'door-operator', landing: 3, motion: 'opening', onsetDay: 12, stallS: 5.5 }],
    },
    warns: /^doorOpenS@3$/,
    fault: ['door-open-fault', 'door-reopen-repeated'],
  },
  {
    scenario: {
      name: 'rope-stretch',
      description: 'new suspension ropes stretching in a 16-floor block: every stop a little lower, more so with a full car',
      days: 40,
      seed: 104,
      building: residential16,
      traffic: { profile: 'residential', requestsPerDay: 130 },
      degradations: [{ kind: 'rope-stretch', onsetDay: 12, mmPerDay: 0.3 }],
    },
    warns: /^levelingMm@\*\/(up|down)$/,
    fault: ['leveling-error'],
  },
  {
    scenario: {
      name: 'brake-wear',
      description: 'a brake lining wearing: the car stops past the landing, up and down, further every week',
      days: 40,
      seed: 105,
      building: residential10,
      traffic: { profile: 'residential', requestsPerDay: 100 },
      degradations: [{ kind: 'brake-wear', onsetDay: 12, mmPerDay: 0.18 }],
    },
    warns: /^levelingMm@\*\/(up|down)$/,
    fault: ['leveling-error'],
  },
  {
    scenario: {
      name: 'safety-contact-chatter',
      description: 'a landing door contact in the safety chain starts to chatter as passengers step in, then opens for good',
      days: 40,
      seed: 106,
      building: office12,
      traffic: { profile: 'office', requestsPerDay: 140 },
      degradations: [{ kind: 'contact-chatter', circuit: 'safety', onsetDay: 12, p0: 0.004, growthPerDay: 0.14 }],
    },
    warns: /^safetyGlitches$/,
    fault: ['safety-circuit-open'],
  },
  {
    scenario: {
      name: 'lock-contact-chatter',
      description: 'a door lock contact interrupting for a moment while the car runs, ever more often, until an interruption lasts',
      days: 40,
      seed: 107,
      building: residential10,
      traffic: { profile: 'residential', requestsPerDay: 90 },
      degradations: [{ kind: 'contact-chatter', circuit: 'lock', onsetDay: 12, p0: 0.006, growthPerDay: 0.14 }],
    },
    warns: /^lockGlitches$/,
    fault: ['door-lock-fault'],
  },
  {
    scenario: {
      name: 'speed-drift',
      description: "the drive's speed creeping up (a slipping encoder) until the car overspeeds",
      days: 45,
      seed: 108,
      building: residential16,
      traffic: { profile: 'residential', requestsPerDay: 120 },
      degradations: [{ kind: 'speed-drift', onsetDay: 12, perDay: 0.0055 }],
    },
    warns: /^peakSpeedRatio@\*\/(up|down)$/,
    fault: ['overspeed'],
  },
  {
    scenario: {
      name: 'light-curtain-dirt',
      description: "a hospital lift's light curtain getting dirty: closings reverse for nothing, more and more",
      days: 45,
      seed: 109,
      building: hospital6,
      traffic: { profile: 'light', requestsPerDay: 130 },
      passengers: { holdDoor: 0.08, longHold: 0.005 },
      degradations: [{ kind: 'door-edge', onsetDay: 12, p0: 0.02, growthPerDay: 0.08 }],
    },
    warns: /^(doorReopens|failedCloses)$/,
    fault: ['door-close-fault', 'door-reopen-repeated'],
  },
  {
    scenario: {
      name: 'signal-link-loose',
      description: "the monitoring link's connector working loose: drop-outs, longer and more often, until the gateway loses the board",
      days: 45,
      seed: 110,
      building: small4,
      traffic: { profile: 'light', requestsPerDay: 50 },
      linkDropsPerDay: 1,
      degradations: [{ kind: 'signal-link', onsetDay: 12, perDay0: 0.5, growthPerDay: 0.13 }],
    },
    warns: /^sensorDrops$/,
    fault: ['sensor-lost'],
  },
];

export const HEALTHY: readonly (WearScenarioInput & { days: number })[] = [
  {
    name: 'healthy-residential-10',
    description: 'a 10-floor block: morning and evening peaks, quieter weekends, maintenance every 15 days',
    days: 60,
    seed: 201,
    building: residential10,
    traffic: { profile: 'residential', requestsPerDay: 90 },
    maintenance: { everyDays: 15 },
  },
  {
    name: 'healthy-office-20',
    description: 'a 20-floor office at 2.5 m/s: up-peak, lunch, down-peak, near-empty weekends',
    days: 60,
    seed: 202,
    building: office20,
    traffic: { profile: 'office', requestsPerDay: 160, startWeekday: 4 },
    maintenance: { everyDays: 15 },
  },
  {
    name: 'healthy-hospital-6',
    description: 'a slow hospital lift: beds and wheelchairs hold the door at one stop in ten',
    days: 60,
    seed: 203,
    building: hospital6,
    traffic: { profile: 'light', requestsPerDay: 140 },
    passengers: { holdDoor: 0.1, longHold: 0.01 },
  },
  {
    name: 'healthy-small-4',
    description: 'a 4-stop 0.63 m/s lift with forty calls a day',
    days: 60,
    seed: 204,
    building: small4,
    traffic: { profile: 'light', requestsPerDay: 40 },
    maintenance: { everyDays: 15, minutes: 30 },
  },
  {
    name: 'healthy-residential-16-noisy-link',
    description: 'a busy 16-floor block on a link that drops out twice a day for a moment',
    days: 60,
    seed: 205,
    building: residential16,
    traffic: { profile: 'residential', requestsPerDay: 150, startWeekday: 5 },
    linkDropsPerDay: 2,
  },
  {
    name: 'healthy-office-12-held-doors',
    description: 'a 12-floor office whose people hold the door more than most',
    days: 60,
    seed: 206,
    building: office12,
    traffic: { profile: 'office', requestsPerDay: 140 },
    passengers: { holdDoor: 0.07, longHold: 0.004 },
    maintenance: { everyDays: 15 },
  },
];
