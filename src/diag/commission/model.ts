import type { CommissioningStep } from '../../contract/commissioning.js';
import type { Lang } from '../i18n.js';
import type { CheckResult, FloorCheck } from './checks.js';

/** One step as it went. */
export interface StepOutcome {
  step: CommissioningStep;
  result: 'pass' | 'fail' | 'timeout' | 'skipped';
  reason?: string;
  /** What it saw, in the technician's language. */
  saw: string;
  startS: number;
  durationS: number;
}

/** Everything `elevgw commission` found, as written to `commissioning/<elevator>-<UTC time>.json`. */
export interface CommissioningReport {
  elevator: string;
  gatewayId: string;
  board: string;
  softwareVersion: string;
  technician: string;
  lang: Lang;
  config: string;
  startedAt: string;
  endedAt: string;
  /** Site time runs this much faster than real time (1 on a real site); every time here is site time. */
  timeScale: number;
  result: 'pass' | 'fail';
  summary: string;
  steps: StepOutcome[];
  checks: CheckResult[];
  floors: FloorCheck['floors'];
  floorTableWritten?: { backup: string; levels: FloorCheck['fixes'] };
  ratedSpeedMps: number;
  maxSpeedMps: number;
  neverChanged: string[];
  /** [site seconds since the start, position mm] */
  trace: [number, number][];
  /** The `commissioning` event in the gateway's outbox, or why it could not be stored. */
  event: { id: string } | { error: string };
}
