import type { DetectedEvent, EventType } from '../detect/types.js';
import type { Allowance, Expectation, RuleScenario } from './rule-scenario.js';

/**
 * What a scenario's expectations make of the events the rules emitted; empty = it passed.
 * The events of every type the scenario names (in `expect` or `allow`), and of every fault or
 * warning it does not name, are accounted for one by one — nothing is waved through by type:
 * - events are grouped into episodes per type (a raise and its clear; an instant event is one);
 *   a second raise before the clear, or a clear without a raise, is always a failure;
 * - each expectation takes one episode of its own, raised at conditionAt + thresholdMs, at most
 *   one sample (or `slackMs`) later (sooner is a false alarm, later a late one); with clearAt it is cleared at
 *   clearAt + clearMs within one sample, without clearAt it is still raised at the end;
 * - each allowance takes at most one episode, raised within its [from, to]; its clear is free;
 * - every other episode of a fault or warning fails — an early raise before the expected one, a
 *   second raise, a flapping raise/clear/raise. Informational events (service mode, maintenance)
 *   are free unless the scenario names their type; a black-box follow-up needs its raise.
 */
export function checkExpectations(sc: RuleScenario, events: readonly DetectedEvent[], opts: CheckOptions = {}): string[] {
  const failures: string[] = [];
  const slack = opts.slackMs ?? sc.sampleMs;
  const { episodes, structural } = episodesOf(events);
  failures.push(...structural);
  failures.push(...followUpFailures(events));
  const named = new Set<EventType>([...sc.expect.map((x) => x.type), ...sc.allow.map((a) => a.type)]);

  for (const [type, all] of episodes) {
    const expected = sc.expect.filter((x) => x.type === type).sort((a, b) => due(a) - due(b));
    const left = [...all];
    const matched = new Map<Expectation, Episode>();
    // Each expectation takes the first unclaimed episode inside its window (windows are one
    // sample wide, so taking them in time order is a best matching).
    for (const x of expected) {
      const i = left.findIndex((ep) => ep.raised.mono >= due(x) && ep.raised.mono <= due(x) + slack);
      if (i >= 0) matched.set(x, left.splice(i, 1)[0]!);
    }
    // An expectation without one in its window is reported against the nearest unclaimed
    // episode (raised too early or too late), or as never raised.
    for (const x of expected) {
      if (matched.has(x)) continue;
      const i = nearest(left, due(x));
      if (i < 0) {
        failures.push(`${type}: expected raised at ${due(x)} ms (+${slack}), never raised`);
        continue;
      }
      const ep = left.splice(i, 1)[0]!;
      const off = ep.raised.mono - due(x);
      failures.push(`${type}: expected raised at ${due(x)} ms (+${slack}), raised at ${ep.raised.mono} ms, ${off < 0 ? `${-off} ms early` : `${off} ms late`}`);
      matched.set(x, ep);
    }
    for (const [x, ep] of matched) failures.push(...clearFailures(x, ep, slack));
    failures.push(...leftoverFailures(type, left, expected, sc.allow, named));
  }
  for (const x of sc.expect) {
    if (!episodes.has(x.type)) failures.push(`${x.type}: expected raised at ${due(x)} ms (+${slack}), never raised`);
  }
  return failures;
}

export interface CheckOptions {
  /**
   * How much later than due a raise or clear may come; one sample by default. A path that loses
   * polls (a noisy line) needs more — and nothing else is relaxed: never sooner, never twice.
   */
  slackMs?: number;
}

/** A raise (or an instant event) and its clear, if any. */
interface Episode {
  raised: DetectedEvent;
  cleared?: DetectedEvent;
}

const due = (x: Expectation) => x.conditionAt + x.thresholdMs;

function episodesOf(events: readonly DetectedEvent[]): { episodes: Map<EventType, Episode[]>; structural: string[] } {
  const episodes = new Map<EventType, Episode[]>();
  const open = new Map<EventType, Episode>();
  const structural: string[] = [];
  for (const e of events) {
    if (e.type === 'blackbox') continue;
    const list = episodes.get(e.type) ?? [];
    episodes.set(e.type, list);
    const current = open.get(e.type);
    if (e.phase === 'instant') list.push({ raised: e });
    else if (e.phase === 'raised') {
      if (current !== undefined) structural.push(`${e.type}: raised again at ${e.mono} ms while raised since ${current.raised.mono} ms`);
      else {
        const ep: Episode = { raised: e };
        list.push(ep);
        open.set(e.type, ep);
      }
    } else if (current === undefined) structural.push(`${e.type}: cleared at ${e.mono} ms without being raised`);
    else {
      current.cleared = e;
      open.delete(e.type);
    }
  }
  return { episodes, structural };
}

/** A black-box follow-up completes a raise that is there, once. */
function followUpFailures(events: readonly DetectedEvent[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of events) {
    if (e.type !== 'blackbox') continue;
    const f = e.blackboxFor;
    const key = f === undefined ? '' : `${f.type}@${f.mono}`;
    const raise = f === undefined ? undefined : events.find((r) => r.type === f.type && r.phase === 'raised' && r.mono === f.mono);
    if (raise === undefined) out.push(`blackbox: follow-up at ${e.mono} ms for ${key || 'nothing'}, no such raise`);
    else if (seen.has(key)) out.push(`blackbox: a second follow-up for ${key}`);
    seen.add(key);
  }
  return out;
}

function clearFailures(x: Expectation, ep: Episode, slack: number): string[] {
  if (x.clearAt === undefined) {
    return ep.cleared === undefined ? [] : [`${x.type}: expected still raised at the end, cleared at ${ep.cleared.mono} ms`];
  }
  const clearDue = x.clearAt + x.clearMs;
  if (ep.cleared === undefined) return [`${x.type}: expected cleared at ${clearDue} ms (+${slack}), never cleared`];
  const at = ep.cleared.mono;
  return at < clearDue || at > clearDue + slack ? [`${x.type}: expected cleared at ${clearDue} ms (+${slack}), cleared at ${at} ms`] : [];
}

/** Episodes no expectation took: an allowance may take one each; the rest fail unless free. */
function leftoverFailures(type: EventType, left: Episode[], expected: Expectation[], allow: readonly Allowance[], named: ReadonlySet<EventType>): string[] {
  // Earliest-ending allowance first among those that fit: a best matching of points to intervals.
  const free = allow.filter((a) => a.type === type).sort((a, b) => a.to - b.to);
  const out: string[] = [];
  for (const ep of left) {
    const at = ep.raised.mono;
    const i = free.findIndex((a) => at >= a.from && at <= a.to);
    if (i >= 0) {
      free.splice(i, 1);
      continue;
    }
    if (ep.raised.severity === 'info' && !named.has(type)) continue;
    out.push(`${type}: ${ep.raised.phase} at ${at} ms, not expected${why(at, type, expected, allow)}${ep.raised.data ? ` ${JSON.stringify(ep.raised.data)}` : ''}`);
  }
  return out;
}

function why(at: number, type: EventType, expected: Expectation[], allow: readonly Allowance[]): string {
  const first = expected[0];
  if (first !== undefined && at < due(first)) return ` (a false alarm: before the expected raise at ${due(first)} ms)`;
  if (first !== undefined) return ` (raised once more than expected)`;
  const windows = allow.filter((a) => a.type === type).map((a) => `[${a.from}, ${a.to}]`);
  return windows.length > 0 ? ` (allowed once in each of ${windows.join(', ')} ms)` : '';
}

function nearest(eps: readonly Episode[], at: number): number {
  let best = -1;
  for (let i = 0; i < eps.length; i++) {
    if (best < 0 || Math.abs(eps[i]!.raised.mono - at) < Math.abs(eps[best]!.raised.mono - at)) best = i;
  }
  return best;
}
