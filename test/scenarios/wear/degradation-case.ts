import { expect } from 'vitest';
import type { DetectedEvent } from '../../../src/detect/types.js';
import type { DegradationCase } from './corpus.js';
import { runWear, type DayEvent } from './harness.js';

/** Early warnings are warnings of their own; everything else raised (not info) is a fault of the rules. */
export const isWarning = (e: DetectedEvent): boolean => (e.type as string) === 'early-warning';
export const isFault = (e: DetectedEvent): boolean => e.phase === 'raised' && e.severity !== 'info' && !isWarning(e);

export interface CaseResult {
  name: string;
  days: number;
  onsetDay: number;
  warnedDay: number;
  cause: string;
  faultDay: number;
  fault: string;
  leadDays: number;
  warningsBeforeOnset: number;
}

/**
 * One degradation through the pipeline: the wear must end in its fault (raised by the rules),
 * the right early warning must come before that fault, nothing may be warned before the wear
 * begins, and the rules may raise no fault the wear does not explain. At least 30 simulated days.
 */
export function checkDegradation(c: DegradationCase): CaseResult {
  const onsetDay = Math.min(...(c.scenario.degradations ?? []).map((d) => d.onsetDay));
  const r = runWear(c.scenario, { stopAfter: (e) => isFault(e) && c.fault.includes(e.type), graceDays: 0.5, minDays: 30 });
  const faults = r.events.filter(isFault);
  const fault = faults.find((e) => c.fault.includes(e.type));
  expect(fault, `${c.scenario.name}: the wear never ended in ${c.fault.join(' or ')}`).toBeDefined();
  expect(faults.filter((e) => !c.fault.includes(e.type)).map((e) => `${e.type} on day ${e.day.toFixed(1)}`)).toEqual([]);
  const raised = r.events.filter((e): e is DayEvent => isWarning(e) && e.phase === 'raised');
  const early = raised.filter((e) => e.day < onsetDay);
  expect(early.map((e) => `${String(e.data?.cause)} on day ${e.day.toFixed(1)}`)).toEqual([]);
  const warning = raised.find((e) => c.warns.test(String(e.data?.cause)));
  expect(warning, `${c.scenario.name}: no early warning matching ${c.warns} (raised: ${raised.map((e) => e.data?.cause).join(', ') || 'none'})`).toBeDefined();
  expect(warning!.day).toBeLessThan(fault!.day);
  expect(r.endDay).toBeGreaterThanOrEqual(30);
  return {
    name: c.scenario.name,
    days: r.endDay,
    onsetDay,
    warnedDay: warning!.day,
    cause: String(warning!.data?.cause),
    faultDay: fault!.day,
    fault: fault!.type,
    leadDays: fault!.day - warning!.day,
    warningsBeforeOnset: early.length,
  };
}

export function report(r: CaseResult): string {
  return `${r.name.padEnd(28)} wear from day ${r.onsetDay}, warned day ${r.warnedDay.toFixed(1)} (${r.cause}), ${r.fault} day ${r.faultDay.toFixed(1)}: lead ${r.leadDays.toFixed(1)} days`;
}
