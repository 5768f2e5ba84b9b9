import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Answer, BenchSlave, CONTROLLER_SCRIPT, NO_HOLD_RULES, periodJitter } from './rig-slave.js';
import { type Arrival, benchDir, median, percentile, procStats, round, runGateway, sleep, startMosquitto, stopProcess, subscribeEvents, writeSite } from './rig.js';

const RUNS = Number(process.env.ELEVGW_BENCH_GROUP_RUNS ?? 3);
const WINDOW_S = Number(process.env.ELEVGW_BENCH_GROUP_S ?? 60);
const WARMUP_MS = 5000;
const ELEVATORS = 16;
const PERIOD_MS = 100;
/** The slow controller of the second case answers after this, longer than the poll period. */
const SLOW_MS = 250;
/** "RSS at 10 s": seconds after the gateway started. */
const EARLY_S = 10;

interface Change {
  elevator: string;
  at: number;
  expect: { type: string; phase: string };
}

interface RunFigures {
  cpuPct: number;
  rssMiB: number;
  peakMiB: number;
  rssEarlyMiB: number;
  /**
   * RSS sampled each second in the window (past warm-up): the lowest, the highest, and how often
   * it fell by more than 10 MiB from one second to the next. RSS climbs until V8 compacts its old
   * generation and gives pages back, then falls by tens of MiB (seen: 113.8 → 82.7) and climbs
   * again; a slope or the lows of a 60 s window say nothing about a leak. A leak shows over a long
   * window (ELEVGW_BENCH_GROUP_S=1800) as highs that keep climbing from one fall to the next.
   */
  rssLow: number;
  rssHigh: number;
  rssFalls: number;
  /** per elevator with a prompt slave, pooled */
  jitter: number[];
  pollsPerS: number;
  /** poll slots in the window without an answer at the prompt slaves (expected − answered) */
  missedInferred: number;
  /** the last count each elevator's missed-poll warning gave (the gateway logs it at most once a minute) */
  missedLogged: Map<string, { count: number; at: number }>;
  expected: number;
  latency: number[];
  slow?: { answersPerS: number; maxInFlight: number; firstPollAt: number; early: number[]; late: number[] };
}

/** The gateway's missed-poll warnings (pino JSON on its stdout): the last count per elevator, at bench time. */
function missedFromLog(file: string, wallOffset: number): Map<string, { count: number; at: number }> {
  const out = new Map<string, { count: number; at: number }>();
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"missed"')) continue;
    const l = JSON.parse(line) as { elevator?: string; missed?: number; time?: number };
    if (l.elevator && typeof l.missed === 'number') out.set(l.elevator, { count: l.missed, at: (l.time ?? Number.NaN) - wallOffset });
  }
  return out;
}

const inWindow = (answers: Answer[][], t0: number, t1: number) =>
  answers
    .flat()
    .filter((a) => a.at >= t0 && a.at < t1)
    .sort((a, b) => a.at - b.at);

/** One `elevgw run` over sixteen slaves; with `slow`, E1's slave answers after SLOW_MS. */
async function run(slow: boolean): Promise<RunFigures> {
  const tmp = benchDir('group');
  const slaves = await Promise.all(Array.from({ length: ELEVATORS }, () => BenchSlave.start()));
  if (slow) slaves[0]!.delayMs = SLOW_MS;
  const ids = slaves.map((_, i) => `E${i + 1}`);
  const broker = await startMosquitto(tmp.dir);
  const arrivals: Arrival[] = [];
  const sub = await subscribeEvents(broker.url, arrivals);
  const site = writeSite(tmp.dir, { elevators: slaves.map((s, i) => ({ id: ids[i]!, port: s.port })), brokerUrl: broker.url, periodMs: PERIOD_MS, rules: NO_HOLD_RULES });
  // `elevgw run` logs to stdout, which runGateway discards: a shell that execs the gateway keeps
  // the pid (for /proc) and sends stdout to a file, where the missed-poll warnings are.
  const log = join(tmp.dir, 'gateway.log');
  const wallOffset = Date.now() - performance.now();
  const gwStart = performance.now();
  const gw = runGateway(site, { wrapper: ['sh', '-c', 'exec "$@" >>"$0"', log] });
  const changes: Change[] = [];
  let done = false;
  try {
    await sleep(WARMUP_MS);
    const cpu0 = procStats(gw.pid!).cpuS;
    const t0 = performance.now();
    const scripts = slaves.map(async (slave, i) => {
      // Every script starts at its first step (an event expected mid-script would match the next
      // round's), after a random part of a step so the sixteen are out of phase.
      await sleep(Math.random() * 1300);
      for (let step = 0; ; step++) {
        await sleep(700 + Math.random() * 600);
        if (done) return;
        const s = CONTROLLER_SCRIPT[step % CONTROLLER_SCRIPT.length]!;
        slave.state = { ...slave.state, ...s.change };
        if (s.expect) changes.push({ elevator: ids[i]!, at: performance.now(), expect: s.expect });
      }
    });
    let rssEarlyMiB = Number.NaN;
    const rss: number[] = [];
    for (let now = t0; now < t0 + WINDOW_S * 1000; now = performance.now()) {
      await sleep(Math.min(1000, t0 + WINDOW_S * 1000 - now));
      const s = procStats(gw.pid!);
      rss.push(s.rssMiB);
      if (Number.isNaN(rssEarlyMiB) && performance.now() - gwStart >= EARLY_S * 1000) rssEarlyMiB = s.rssMiB;
    }
    const end = procStats(gw.pid!);
    const t1 = performance.now();
    const windowS = (t1 - t0) / 1000;
    done = true;
    await Promise.all(scripts);
    await sleep(1500); // the last events arrive (the slow elevator's after up to two of its polls)
    const prompt = slow ? slaves.slice(1) : slaves;
    const polls = prompt.map((s) => inWindow(s.answers, t0, t1));
    const latency = new Map<string, number[]>();
    for (const c of changes) {
      const e = arrivals.find((a) => a.at >= c.at && a.elevatorId === c.elevator && a.type === c.expect.type && a.phase === c.expect.phase);
      if (!e) continue;
      const l = latency.get(c.elevator) ?? [];
      l.push(e.at - c.at);
      latency.set(c.elevator, l);
    }
    const figures: RunFigures = {
      cpuPct: ((end.cpuS - cpu0) / windowS) * 100,
      rssMiB: end.rssMiB,
      peakMiB: end.peakMiB,
      rssEarlyMiB,
      rssLow: Math.min(...rss),
      rssHigh: Math.max(...rss),
      rssFalls: rss.filter((y, i) => i > 0 && rss[i - 1]! - y > 10).length,
      jitter: polls.flatMap((p) => periodJitter(p, PERIOD_MS)).sort((a, b) => a - b),
      pollsPerS: polls.reduce((n, p) => n + p.length, 0) / windowS,
      // Per elevator at least 0: a window of 60.05 s can hold a 601st answer where 600 slots were expected.
      missedInferred: polls.reduce((n, p) => n + Math.max(0, Math.round((windowS * 1000) / PERIOD_MS) - p.length), 0),
      missedLogged: missedFromLog(log, wallOffset),
      expected: changes.length,
      latency: [...latency.values()].flat().sort((a, b) => a - b),
    };
    if (slow) {
      const s = slaves[0]!;
      const all = s.answers.flat().sort((a, b) => a.at - b.at);
      // E1's change → event in the first and in the second half of the window: a queue would make the second slower.
      const mid = (t0 + t1) / 2;
      const e1 = changes.filter((c) => c.elevator === 'E1');
      const lat = (cs: Change[]) =>
        cs
          .map((c) => arrivals.find((a) => a.at >= c.at && a.elevatorId === 'E1' && a.type === c.expect.type && a.phase === c.expect.phase))
          .flatMap((a, i) => (a ? [a.at - cs[i]!.at] : []));
      figures.slow = {
        answersPerS: inWindow(s.answers, t0, t1).length / windowS,
        maxInFlight: s.maxInFlight,
        firstPollAt: (all[0]?.at ?? Number.NaN) - SLOW_MS,
        early: lat(e1.filter((c) => c.at < mid)),
        late: lat(e1.filter((c) => c.at >= mid)),
      };
    }
    return figures;
  } finally {
    done = true;
    await stopProcess(gw);
    await sub.endAsync();
    await stopProcess(broker.proc);
    await Promise.all(slaves.map((s) => s.close()));
    tmp.cleanup();
  }
}

const range = (xs: number[], d: number) => `${round(Math.min(...xs), d)}–${round(Math.max(...xs), d)}`;
const medRange = (xs: number[], d: number) => `${round(median(xs), d)}; ${range(xs, d)}`;
const pct = (xs: number[]) => `${round(percentile(xs, 50), 2)} / ${round(percentile(xs, 99), 2)} / ${round(xs.at(-1) ?? Number.NaN, 1)}`;

/** What every case prints: CPU, memory, the prompt elevators' period, events. */
function common(p: string, runs: RunFigures[], load: number, out: Record<string, number | string>): void {
  const all = (f: (r: RunFigures) => number[]) => runs.flatMap(f).sort((a, b) => a - b);
  out[`${p} machine load average (1 min) before the runs`] = round(load, 2);
  out[`${p} CPU % of one core (median; range)`] = medRange(
    runs.map((r) => r.cpuPct),
    1,
  );
  out[`${p} RSS after ${WINDOW_S + WARMUP_MS / 1000} s (MiB, median; range)`] = medRange(
    runs.map((r) => r.rssMiB),
    1,
  );
  out[`${p} peak RSS, VmHWM (MiB, median; range)`] = medRange(
    runs.map((r) => r.peakMiB),
    1,
  );
  out[`${p} RSS at ${EARLY_S} s → end (MiB, median)`] = `${round(median(runs.map((r) => r.rssEarlyMiB)), 1)} → ${round(median(runs.map((r) => r.rssMiB)), 1)}`;
  const m = (f: (r: RunFigures) => number) => round(median(runs.map(f)), 1);
  out[`${p} RSS sampled each second: lowest – highest (MiB, median); falls of > 10 MiB (per run)`] =
    `${m((r) => r.rssLow)} – ${m((r) => r.rssHigh)}; ${runs.map((r) => r.rssFalls).join(', ')}`;
  out[`${p} poll period jitter of the prompt elevators, pooled, p50 / p99 / max (ms)`] = pct(all((r) => r.jitter));
  out[`${p} polls answered per second, prompt elevators (median)`] = round(median(runs.map((r) => r.pollsPerS)), 1);
  out[`${p} slots without an answer, prompt elevators (per run)`] = runs.map((r) => r.missedInferred).join(', ');
  const lat = all((r) => r.latency);
  out[`${p} events delivered of expected, all elevators (all runs)`] = `${lat.length} of ${runs.reduce((n, r) => n + r.expected, 0)}`;
  out[`${p} change at the slave → event at subscriber, p50 / p99 / max (ms)`] = pct(lat);
}

/**
 * A building's group on one gateway (`npm run bench -- group`): one `elevgw run` polling sixteen
 * controllers over Modbus TCP at 100 ms, two rules, QoS 1 to mosquitto. Then the same with E1's
 * controller answering after 250 ms: the loop must skip and count the slots that passed (see
 * src/runtime/monitor.ts), never queue them — answers at 1 / 300 ms, not back to back, RSS and
 * E1's latency flat, the other fifteen on their period. RUNS runs of WINDOW_S s per case; CPU
 * and memory from /proc/<pid>/stat and status of the gateway.
 */
export async function benchGroup(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { group: 'skipped: mosquitto not installed' };
  const out: Record<string, number | string> = {};
  const normal: RunFigures[] = [];
  const load = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) normal.push(await run(false));
  const p = `group ${ELEVATORS} × ${PERIOD_MS} ms:`;
  common(p, normal, load, out);
  const logged = normal.map((r) => [...r.missedLogged.values()].reduce((n, m) => n + m.count, 0));
  out[`${p} missed polls the gateway logged (per run; elevators)`] = normal.map((r, i) => `${logged[i]} (${r.missedLogged.size})`).join(', ');

  const slowRuns: RunFigures[] = [];
  const slowLoad = loadavg()[0]!;
  for (let i = 0; i < RUNS; i++) slowRuns.push(await run(true));
  const q = `group, E1 answers after ${SLOW_MS} ms:`;
  const slow = slowRuns.map((r) => r.slow!);
  out[`${q} E1 polls answered per second (grid ${round(1000 / (PERIOD_MS * Math.ceil(SLOW_MS / PERIOD_MS)), 2)}, a queue ${round(1000 / SLOW_MS, 2)}; median; range)`] = medRange(
    slow.map((s) => s.answersPerS),
    2,
  );
  out[`${q} E1 requests in flight at the slave, max`] = Math.max(...slow.map((s) => s.maxInFlight));
  // The gateway counts skipped slots per poll group but reports them only in a warning, at most once a minute.
  out[`${q} E1 missed polls the gateway logged last: count @ s after its first poll (per run)`] = slowRuns
    .map((r, i) => {
      const m = r.missedLogged.get('E1');
      return m ? `${m.count} @ ${round((m.at - slow[i]!.firstPollAt) / 1000, 1)}` : 'none';
    })
    .join(', ');
  // Only a count logged well after the first poll says a rate (the first warning comes after one poll).
  const rates = slowRuns.flatMap((r, i) => {
    const m = r.missedLogged.get('E1');
    const s = m ? (m.at - slow[i]!.firstPollAt) / 1000 : 0;
    return m && s >= 30 ? [m.count / s] : [];
  });
  out[`${q} E1 missed polls per second by that count (median)`] = rates.length ? round(median(rates), 2) : 'n/a: no warning after the first (window under a minute)';
  out[`${q} E1 slots without an answer per second (median)`] = round(median(slow.map((s) => 1000 / PERIOD_MS - s.answersPerS)), 2);
  out[`${q} E1 change → event, median 1st / 2nd half of the window (ms)`] = `${round(median(slow.flatMap((s) => s.early)), 1)} / ${round(median(slow.flatMap((s) => s.late)), 1)}`;
  common(q, slowRuns, slowLoad, out);
  return out;
}
