import { z } from 'zod';

/**
 * The `commissioning` event's data: the summary of a guided commissioning at the lift
 * (`elevgw commission`), stored by the running gateway in its outbox for the platform. The full
 * report (the position trace, every reading it judged) stays on the gateway as JSON and HTML;
 * this is what the platform needs to know that the lift was commissioned, by whom, and how it went.
 * Every string and list is bounded: the event arrives over the local diagnostics socket.
 */

/** The checklist, in the order it is walked. */
export const COMMISSIONING_STEPS = ['doors', 'top', 'bottom', 'floors', 'inspection', 'alarm', 'mains'] as const;
export type CommissioningStep = (typeof COMMISSIONING_STEPS)[number];

/** What is checked from the whole session's readings after the steps. */
const COMMISSIONING_CHECKS = ['floor-table', 'rated-speed', 'signals', 'rules'] as const;
export type CommissioningCheck = (typeof COMMISSIONING_CHECKS)[number];

const seconds = z.number().nonnegative();

export const commissioningDataSchema = z.object({
  result: z.enum(['pass', 'fail']).describe('pass: every step passed or was skipped with a reason, and no check failed'),
  summary: z.string().max(300).describe('one line for people, in the language the technician chose'),
  technician: z.string().min(1).max(64).describe('who walked the checklist (`elevgw commission --by`)'),
  softwareVersion: z.string().max(32).describe('elevgw version that ran the checklist'),
  board: z.string().max(64).describe('the board profile the elevator is read through'),
  startedAt: z.iso.datetime().describe('when the checklist began'),
  durationS: seconds.describe('how long it took, s'),
  steps: z
    .array(
      z.object({
        step: z.enum(COMMISSIONING_STEPS),
        result: z.enum(['pass', 'fail', 'timeout', 'skipped']),
        reason: z.string().max(200).optional().describe('skipped: why, as the technician typed it; timeout: what never happened'),
        durationS: seconds,
      }),
    )
    .max(COMMISSIONING_STEPS.length),
  checks: z.array(z.object({ check: z.enum(COMMISSIONING_CHECKS), result: z.enum(['pass', 'warn', 'fail']), detail: z.string().max(300) })).max(COMMISSIONING_CHECKS.length),
  report: z.string().max(200).describe('file name of the full report (JSON and HTML) under the state directory, commissioning/'),
});
export type CommissioningData = z.infer<typeof commissioningDataSchema>;
