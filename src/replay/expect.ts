import type { DetectedEvent } from '../detect/types.js';
import type { RuleScenario } from './scenario.js';

/**
 * What a scenario's expectations make of the events the rules emitted; empty = it passed.
 * - every expected fault is raised at conditionAt + thresholdMs, at most one sample later
 *   (sooner is a false alarm, later is a late one), and cleared likewise when clearAt is given;
 * - no other fault or warning is raised or reported than the expected and allowed ones
 *   (informational events — service mode, maintenance — are free, black-box follow-ups go with
 *   their raise).
 */
export function checkExpectations(sc: RuleScenario, events: readonly DetectedEvent[]): string[] {
  const failures: string[] = [];
  const slack = sc.sampleMs;
  for (const x of sc.expect) {
    // Instant events (alarm, service mode) count as their own raise.
    const raised = events.find((e) => e.type === x.type && e.phase !== 'cleared' && e.mono >= x.conditionAt);
    const due = x.conditionAt + x.thresholdMs;
    if (raised === undefined) {
      failures.push(`${x.type}: expected raised at ${due} ms (+${slack}), never raised`);
      continue;
    }
    if (raised.mono < due || raised.mono > due + slack) failures.push(`${x.type}: expected raised at ${due} ms (+${slack}), raised at ${raised.mono} ms`);
    if (x.clearAt === undefined) continue;
    const clearDue = x.clearAt + x.clearMs;
    const cleared = events.find((e) => e.type === x.type && e.phase === 'cleared' && e.mono > raised.mono);
    if (cleared === undefined) failures.push(`${x.type}: expected cleared at ${clearDue} ms (+${slack}), never cleared`);
    else if (cleared.mono < clearDue || cleared.mono > clearDue + slack) failures.push(`${x.type}: expected cleared at ${clearDue} ms (+${slack}), cleared at ${cleared.mono} ms`);
  }
  const welcome = new Set([...sc.expect.map((x) => x.type), ...sc.allow]);
  for (const e of events) {
    if (e.severity === 'info' || e.type === 'blackbox' || e.phase === 'cleared' || welcome.has(e.type)) continue;
    failures.push(`${e.type}: ${e.phase} at ${e.mono} ms, not expected${e.data ? ` ${JSON.stringify(e.data)}` : ''}`);
  }
  return failures;
}
