import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { BenchSlave, CONTROLLER_SCRIPT, NO_HOLD_RULES, periodJitter, QUIET_SCRIPT } from './rig-slave.js';
import { packageRoot } from '../src/config/load.js';
import type { GcLog, GcPause } from './gc-watch.js';
import type { StageLog } from './stage-watch.js';
import { writeNodeRedUserDir } from './nodered-flow.js';
import {
  type Arrival,
  benchDir,
  gatewayApp,
  launcherFlags,
  median,
  percentile,
  procStats,
  round,
  runGateway,
  sleep,
  startMosquitto,
  stopProcess,
  subscribeEvents,
  writeSite,
} from './rig.js';

const RUNS = Number(process.env.ELEVGW_BENCH_PEER_RUNS ?? 3);
const WINDOW_S = Number(process.env.ELEVGW_BENCH_PEER_S ?? 60);
/**
 * Before the window: the gateway starts, connects and runs the job (the slave's script runs from the
 * start, as a controller's conditions would). 5 s by default; a long warm-up (60 s) measures the
 * gateway once its event path is compiled and its heap has settled — a gateway runs for months,
 * and its first minute is start-up.
 */
const WARMUP_MS = Number(process.env.ELEVGW_BENCH_PEER_WARMUP_S ?? 5) * 1000;
/** Which poll periods and which gateways run (an hour-long latency run needs only one of each). */
const PERIODS = (process.env.ELEVGW_BENCH_PEER_PERIODS ?? '100,10').split(',').map(Number);
const WHO = (process.env.ELEVGW_BENCH_PEER_WHO ?? 'elevgw,floor').split(',') as Who[];
const GATEWAYS: readonly Who[] = ['elevgw', 'release', 'floor', 'nodered'];
/**
 * The slave's script: `faults` (the default) raises and clears two faults every few seconds, for
 * the latency; `quiet` only runs the car and cycles its door, nothing a rule raises — the CPU a
 * gateway spends in the field, where faults come a few a day.
 */
const SCRIPT_NAME = process.env.ELEVGW_BENCH_PEER_SCRIPT ?? 'faults';
const SCRIPT = SCRIPT_NAME === 'quiet' ? QUIET_SCRIPT : CONTROLLER_SCRIPT;
/** Node-RED starts, loads its nodes and connects in seconds, not in the warm-up's 5 s. */
const NODERED_FIRST_POLL_MS = 60_000;
/**
 * ELEVGW_BENCH_PEER_GC=1: the gateway (elevgw or the floor) runs with bench/gc-watch.ts preloaded,
 * and bench/stall-watch.ts runs beside it; the printout says which GC pauses of the gateway and
 * which stalls of the machine its events and its slowest poll periods overlapped. For finding
 * where a maximum comes from, not for the CPU or RSS rows: the observer and the watcher (it wakes
 * 1,000 times a second) cost a little of both.
 */
const GC = process.env.ELEVGW_BENCH_PEER_GC === '1';
/**
 * ELEVGW_BENCH_PEER_STAGES=1: elevgw runs with bench/stage-watch.ts preloaded, which cuts each
 * event's way through the gateway at the outbox's INSERT (answer → INSERT, INSERT, → PUBLISH
 * written). The floor and Node-RED have no INSERT: not for them.
 */
const STAGES = process.env.ELEVGW_BENCH_PEER_STAGES === '1';
const stagesWatched = (who: Who) => STAGES && (who === 'elevgw' || who === 'release');
/**
 * ELEVGW_BENCH_PEER_FLOOR_AS_RELEASE=1: the floor runs on the Node.js and with the V8 flags that
 * the release gives `elevgw run` (ELEVGW_BENCH_APP's Node, the launcher's flags), rather than on
 * this Node with V8's defaults: what the release's runtime costs, apart from elevgw's own code.
 * ELEVGW_RUN_V8_FLAGS replaces the launcher's flags here as it does for `release` (empty: V8's
 * defaults on the release's Node), so the Node's share and the flags' share can be told apart.
 */
const FLOOR_AS_RELEASE = process.env.ELEVGW_BENCH_PEER_FLOOR_AS_RELEASE === '1';
/**
 * ELEVGW_BENCH_PEER_EVENTS=<file>: every measured event as a tab-separated row (written anew at
 * start), for finding what the slow ones have in common — see EVENT_COLUMNS.
 */
const EVENTS_FILE = process.env.ELEVGW_BENCH_PEER_EVENTS;
const EVENT_COLUMNS = [
  'gateway',
  'period_ms',
  'run',
  'at_s', // into the run's window
  'latency_ms', // poll answer → event at the subscriber
  'type',
  'phase',
  'bytes',
  'earlier_events', // events of the same poll that reached the subscriber before it
  'gateway_gc_ms', // with ELEVGW_BENCH_PEER_GC=1: the gateway's GC pauses that overlapped it, summed
  'stall_ms', // the machine's stalls that overlapped it
  'bench_gc_ms', // the bench's own GC pauses that overlapped it
];
/** A GC pause counts as overlapping a span when it lies within it, give or take this (the two processes' time origins differ by up to about a millisecond). */
const OVERLAP_MARGIN_MS = 1;
/** A wake of the stall watcher this late is a stall of the machine (see stall-watch.ts). */
const STALL_MS = 1;

interface Change {
  at: number;
  expect: { type: string; phase: string };
}

/** A span of a run in epoch ms (either process's `performance.timeOrigin` plus its own monotonic time), and where it lies in the window. */
interface Span {
  from: number;
  to: number;
  /** Seconds into the run's window at which it began. */
  atS: number;
  ms: number;
}

/** A measured event beside its span (RunFigures.paths), for ELEVGW_BENCH_PEER_EVENTS. */
interface Measured {
  type: string;
  phase: string;
  bytes: number;
  earlier: number;
}

interface RunFigures {
  /** Events the subscriber got during the window, whatever they were (the quiet script expects none; the floor sends no follow-ups). */
  eventsInWindow: number;
  cpuPer1000: number;
  /** The same CPU split: user and system time; the main thread (the event loop) and every other thread. */
  userPer1000: number;
  sysPer1000: number;
  mainPer1000: number;
  rssMiB: number;
  peakMiB: number;
  /** change → the answer of the first poll that saw it, ms */
  toPoll: number[];
  /** that answer → the event at the subscriber, ms: the gateway's own pipeline (+ the broker) */
  pipeline: number[];
  /** The same for raised faults alone (they carry the black box) and for clears. */
  raisedPipeline: number[];
  clearedPipeline: number[];
  jitter: number[];
  polls: number;
  pollsPerS: number;
  missed: number;
  raisedBytes: number[];
  /** Each measured event's way from the poll answer to the subscriber. */
  paths: Span[];
  /** What each of `paths` carried, in the same order. */
  measuredEvents: Measured[];
  /** The interval between two answers that strayed furthest from the period. */
  worstPeriod: Span | undefined;
  windowEpoch: { from: number; to: number };
  /** The gateway's GC pauses in the window (ELEVGW_BENCH_PEER_GC=1). */
  gc?: GcLog;
  /** With ELEVGW_BENCH_PEER_STAGES=1: each event's way through the gateway in the window (stage-watch.ts). */
  stages?: StageLog['events'];
  /** The machine's stalls in the window, as the stall watcher saw them (ELEVGW_BENCH_PEER_GC=1). */
  stalls?: Stall[];
  /** The bench's own GC pauses in the window: they delay the slave's and the subscriber's timestamps (ELEVGW_BENCH_PEER_GC=1). */
  benchGc?: Stall[];
}

/** A stall of the machine: the watcher should have woken at `at` (epoch ms) and woke `ms` later. */
interface Stall {
  at: number;
  ms: number;
}

/** A running stall watcher (stall-watch.ts) and the stalls it has reported, in this process's epoch ms. */
interface StallWatch {
  stalls: Stall[];
  stop: () => Promise<void>;
}

/**
 * The bench's own GC pauses of 0.5 ms or more, in epoch ms (this process's clock: exact). The slave
 * and the subscriber live in this process and take the timestamps, so such a pause makes a poll
 * or an event look late.
 */
function watchOwnGc(): { pauses: Stall[]; stop: () => void } {
  const pauses: Stall[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.duration >= 0.5) pauses.push({ at: performance.timeOrigin + e.startTime, ms: e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  return { pauses, stop: () => observer.disconnect() };
}

/** Starts the stall watcher; its CLOCK_MONOTONIC times become epoch ms as this process counts them (exact: the same clock). */
function watchStalls(): StallWatch {
  const toEpoch = performance.timeOrigin + performance.now() - Number(process.hrtime.bigint()) / 1e6;
  const child = spawn(process.execPath, [join(packageRoot(), 'dist/bench/stall-watch.js'), String(STALL_MS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stalls: Stall[] = [];
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const [at, ms] = line.split(' ').map(Number);
      if (Number.isFinite(at) && Number.isFinite(ms)) stalls.push({ at: at! + toEpoch, ms: ms! });
    }
  });
  return {
    stalls,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * elevgw under plain `node`; elevgw as a release runs it (`release`: with the V8 flags the
 * launcher gives `elevgw run`, scripts/release/launcher.sh); the floor: the least a Node.js gateway does for the same job (floor-gateway.ts); or
 * Node-RED with node-red-contrib-modbus and the core `mqtt out`, as an integrator wires it
 * (nodered-flow.ts).
 */
type Who = 'elevgw' | 'release' | 'floor' | 'nodered';

/** Node-RED's red.js in the install ELEVGW_BENCH_NODERED names (never part of this repository). */
function nodeRedMain(): string {
  const dir = process.env.ELEVGW_BENCH_NODERED;
  const main = dir ? join(dir, 'node_modules', 'node-red', 'red.js') : undefined;
  if (main && existsSync(main)) return main;
  throw new Error(
    `ELEVGW_BENCH_PEER_WHO=nodered needs ELEVGW_BENCH_NODERED, the folder holding node_modules/node-red (${dir ? `no ${main}` : 'unset'}). ` +
      "Install it outside this repository, e.g. `mkdir -p /work/nodered && cd /work/nodered && npm init -y && npm pkg set 'overrides[@openp4nr/modbus-serial]=npm:modbus-serial@8.0.25' && " +
      'npm install --no-audit --no-fund node-red@4.1 node-red-contrib-modbus@5.45`, then ELEVGW_BENCH_NODERED=/work/nodered ' +
      '(the override: contrib-modbus 5.45 fetches its modbus-serial fork from outside the npm registry; upstream modbus-serial stands in).',
  );
}

function startGateway(who: Who, dir: string, o: { slavePort: number; brokerUrl: string; periodMs: number; site: string }): ChildProcess {
  // The watchers write into the run's folder, which the child names from its environment.
  const gc = GC && who !== 'nodered';
  const stages = stagesWatched(who);
  const preloads = [
    ...(gc ? [`--import=${join(packageRoot(), 'dist/bench/gc-watch.js')}`] : []),
    ...(stages ? [`--import=${join(packageRoot(), 'dist/bench/stage-watch.js')}`] : []),
  ];
  const env = { ...process.env, ...(gc ? { ELEVGW_BENCH_GC_DIR: dir } : {}), ...(stages ? { ELEVGW_BENCH_STAGES_DIR: dir } : {}) };
  if (who === 'elevgw') return runGateway(o.site, { nodeFlags: preloads, env });
  if (who === 'release') return runGateway(o.site, { nodeFlags: [...launcherFlags(), ...preloads], env });
  if (who === 'floor')
    return spawn(
      FLOOR_AS_RELEASE ? gatewayApp().node : process.execPath,
      [...(FLOOR_AS_RELEASE ? launcherFlags() : []), ...preloads, join(packageRoot(), 'dist/bench/floor-gateway.js'), String(o.slavePort), o.brokerUrl, String(o.periodMs)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env,
      },
    );
  const red = writeNodeRedUserDir(join(dir, 'node-red'), o);
  // node itself, so the pid measured is Node-RED's; its log (warnings only) goes to stdout: onto our stderr.
  return spawn(process.execPath, [nodeRedMain(), '--userDir', red.userDir, '--settings', red.settings], { stdio: ['ignore', 2, 'inherit'] });
}

/** Until the gateway's first poll reaches the slave (Node-RED's start takes seconds). */
async function firstPoll(slave: BenchSlave, gw: ChildProcess, timeoutMs: number): Promise<void> {
  const t0 = performance.now();
  while (!slave.answers[0]?.length) {
    if (gw.exitCode !== null || gw.signalCode !== null) throw new Error(`peer: Node-RED exited (${gw.exitCode ?? gw.signalCode}) before its first poll`);
    if (performance.now() - t0 > timeoutMs) throw new Error(`peer: no poll from Node-RED within ${timeoutMs / 1000} s (is node-red-contrib-modbus installed beside node-red?)`);
    await sleep(50);
  }
}

async function run(periodMs: number, who: Who): Promise<RunFigures> {
  const tmp = benchDir('peer');
  const slave = await BenchSlave.start();
  const broker = await startMosquitto(tmp.dir);
  const arrivals: Arrival[] = [];
  const sub = await subscribeEvents(broker.url, arrivals);
  const site = writeSite(tmp.dir, { elevators: [{ id: 'E1', port: slave.port }], brokerUrl: broker.url, periodMs, rules: NO_HOLD_RULES });
  const gw = startGateway(who, tmp.dir, { slavePort: slave.port, brokerUrl: broker.url, periodMs, site });
  const changes: Change[] = [];
  // Set in the try block, completed in finally: the GC log exists once the gateway has exited.
  let figures: RunFigures | undefined;
  const stalls = GC ? watchStalls() : undefined;
  const ownGc = GC ? watchOwnGc() : undefined;
  try {
    if (who === 'nodered') await firstPoll(slave, gw, NODERED_FIRST_POLL_MS);
    let step = 0;
    /** The slave's script, a step every 0.7–1.3 s, until `ms` have passed; `record`: the changes the window measures. */
    const drive = async (ms: number, record: boolean) => {
      const from = performance.now();
      while (performance.now() - from < ms) {
        await sleep(700 + Math.random() * 600);
        const s = SCRIPT[step++ % SCRIPT.length]!;
        slave.state = { ...slave.state, ...s.change };
        if (record && s.expect) changes.push({ at: performance.now(), expect: s.expect });
      }
    };
    await drive(WARMUP_MS, false);
    const answers = slave.answers[0] ?? [];
    const polls0 = answers.length;
    const cpu0 = procStats(gw.pid!);
    const t0 = performance.now();
    await drive(WINDOW_S * 1000, true);
    const end = procStats(gw.pid!);
    const t1 = performance.now();
    // The script's last step may run past the window: rates are per the time actually measured.
    const windowS = (performance.now() - t0) / 1000;
    const polls = answers.length - polls0;
    await sleep(500); // the last events arrive
    const toPoll: number[] = [];
    const pipeline: number[] = [];
    const byPhase: Record<string, number[]> = { raised: [], cleared: [] };
    const paths: Span[] = [];
    const measuredEvents: Measured[] = [];
    const epoch = (at: number) => performance.timeOrigin + at;
    let missed = 0;
    for (const c of changes) {
      const poll = answers.find((a) => a.at >= c.at);
      const event = arrivals.find((a) => a.at >= c.at && a.type === c.expect.type && a.phase === c.expect.phase);
      if (!poll || !event) {
        missed++;
        continue;
      }
      toPoll.push(poll.at - c.at);
      pipeline.push(event.at - poll.at);
      byPhase[c.expect.phase]?.push(event.at - poll.at);
      paths.push({ from: epoch(poll.at), to: epoch(event.at), atS: (poll.at - t0) / 1000, ms: event.at - poll.at });
      const earlier = arrivals.filter((a) => a.at >= poll.at && a.at < event.at).length;
      measuredEvents.push({ type: event.type, phase: event.phase, bytes: event.bytes, earlier });
    }
    const measured = answers.slice(polls0);
    let worstPeriod: Span | undefined;
    for (let i = 1; i < measured.length; i++) {
      const [a, b] = [measured[i - 1]!.at, measured[i]!.at];
      if (worstPeriod === undefined || Math.abs(b - a - periodMs) > worstPeriod.ms)
        worstPeriod = { from: epoch(a), to: epoch(b), atS: (a - t0) / 1000, ms: Math.abs(b - a - periodMs) };
    }
    figures = {
      cpuPer1000: (end.cpuS - cpu0.cpuS) / (polls / 1000),
      userPer1000: (end.userS - cpu0.userS) / (polls / 1000),
      sysPer1000: (end.sysS - cpu0.sysS) / (polls / 1000),
      mainPer1000: (end.mainThreadS - cpu0.mainThreadS) / (polls / 1000),
      pollsPerS: polls / windowS,
      rssMiB: end.rssMiB,
      peakMiB: end.peakMiB,
      toPoll: toPoll.sort((a, b) => a - b),
      pipeline: pipeline.sort((a, b) => a - b),
      raisedPipeline: byPhase.raised!.sort((a, b) => a - b),
      clearedPipeline: byPhase.cleared!.sort((a, b) => a - b),
      jitter: periodJitter(answers.slice(polls0), periodMs),
      polls,
      missed,
      raisedBytes: arrivals.filter((a) => a.phase === 'raised').map((a) => a.bytes),
      eventsInWindow: arrivals.filter((a) => a.at >= t0 && a.at <= t1).length,
      paths,
      measuredEvents,
      worstPeriod,
      windowEpoch: { from: epoch(t0), to: epoch(t1) },
    };
  } finally {
    await stopProcess(gw);
    await stalls?.stop();
    // Read before the run's folder goes: gc-watch.ts wrote the gateway's log as it exited.
    const gc = figures && GC && who !== 'nodered' ? readGcLog(tmp.dir, gw.pid!) : undefined;
    if (figures && gc) figures.gc = { ...gc, pauses: inWindow(gc.pauses, figures) };
    if (figures && stagesWatched(who)) figures.stages = readStageLog(tmp.dir, gw.pid!)?.filter((e) => e[3] >= figures!.windowEpoch.from && e[3] <= figures!.windowEpoch.to);
    ownGc?.stop();
    if (figures && stalls && ownGc) {
      figures.stalls = inWindow(stalls.stalls, figures);
      figures.benchGc = inWindow(ownGc.pauses, figures);
    }
    await sub.endAsync();
    await stopProcess(broker.proc);
    await slave.close();
    tmp.cleanup();
  }
  return figures;
}

/** The watcher's log; undefined (and said on stderr) when the gateway left none, so the run still cleans up and its other figures stand. */
function readGcLog(dir: string, pid: number): GcLog | undefined {
  const file = join(dir, `gc-${pid}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as GcLog;
  console.error(`peer: ELEVGW_BENCH_PEER_GC=1 but the gateway left no ${file} (did it exit cleanly?): no GC figures for this run`);
  return undefined;
}

/** The stage watcher's log, like readGcLog. */
function readStageLog(dir: string, pid: number): StageLog['events'] | undefined {
  const file = join(dir, `stages-${pid}.json`);
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as StageLog).events;
  console.error(`peer: ELEVGW_BENCH_PEER_STAGES=1 but the gateway left no ${file} (did it exit cleanly?): no stage figures for this run`);
  return undefined;
}

/** The runs' measured events as EVENT_COLUMNS rows; a pause column is empty where nothing was watched. */
function eventRows(runs: readonly RunFigures[], who: Who, periodMs: number): string {
  const overlap = (s: Span, pauses: readonly Stall[] | undefined, margin?: number) =>
    pauses === undefined
      ? ''
      : round(
          pausesDuring(s, pauses, margin).reduce((n, p) => n + p.ms, 0),
          2,
        );
  return runs
    .flatMap((r, i) =>
      r.paths.map((s, k) => {
        const e = r.measuredEvents[k]!;
        return [
          who,
          periodMs,
          i + 1,
          round(s.atS, 3),
          round(s.ms, 3),
          e.type,
          e.phase,
          e.bytes,
          e.earlier,
          overlap(s, r.gc?.pauses),
          overlap(s, r.stalls, 0),
          overlap(s, r.benchGc, 0),
        ].join('\t');
      }),
    )
    .map((row) => `${row}\n`)
    .join('');
}

/** The pauses or stalls that overlap the run's window. */
function inWindow<T extends Stall>(pauses: readonly T[], f: RunFigures): T[] {
  return pauses.filter((p) => p.at + p.ms >= f.windowEpoch.from && p.at <= f.windowEpoch.to);
}

/** The GC pauses that overlap a span (see OVERLAP_MARGIN_MS), or the stalls (measured on one clock: no margin). */
function pausesDuring<T extends Stall>(s: Span, pauses: readonly T[], margin = OVERLAP_MARGIN_MS): T[] {
  return pauses.filter((p) => p.at <= s.to + margin && p.at + p.ms >= s.from - margin);
}

/** "1.2 ms + 3.4 ms", or "none". */
function describeStalls(stalls: readonly Stall[]): string {
  return stalls.length === 0 ? 'none' : stalls.map((x) => `${round(x.ms, 1)} ms`).join(' + ');
}

/** "major 4.9 ms + minor 0.6 ms", or "none". */
function describePauses(pauses: readonly GcPause[]): string {
  return pauses.length === 0 ? 'none' : pauses.map((p) => `${p.kind} ${round(p.ms, 1)} ms`).join(' + ');
}

/**
 * The issue's comparison job (`npm run bench -- peer`): one controller's registers over Modbus TCP
 * at 100 ms and at 10 ms, two rules, QoS 1 to mosquitto, a subscriber stamping arrivals. Per poll
 * period, RUNS runs of WINDOW_S seconds; each figure is the median of the runs' figures (latency
 * over every change of every run). CPU is the gateway process's, from /proc/<pid>/stat. Each
 * period also runs the floor (floor-gateway.ts) in the same harness: what any Node.js gateway
 * pays for the poll, the publish, the broker and the subscriber. ELEVGW_BENCH_PEER_WHO=nodered
 * adds the issue's peer, Node-RED (nodered-flow.ts; an install named by ELEVGW_BENCH_NODERED),
 * so its figures are measured on the same machine as elevgw's, not quoted from another.
 */
export async function benchPeer(): Promise<Record<string, number | string>> {
  // Checked here, not as the module loads: bench/run.ts imports every bench, and a bad peer
  // variable must not stop the others.
  for (const w of WHO) if (!GATEWAYS.includes(w)) throw new Error(`ELEVGW_BENCH_PEER_WHO: expected some of ${GATEWAYS.join(', ')}, got "${w}"`);
  if (!(WARMUP_MS >= 0)) throw new Error(`ELEVGW_BENCH_PEER_WARMUP_S: expected seconds, got "${process.env.ELEVGW_BENCH_PEER_WARMUP_S}"`);
  for (const p of PERIODS) if (!(p > 0)) throw new Error(`ELEVGW_BENCH_PEER_PERIODS: expected poll periods in ms, got "${p}"`);
  if (SCRIPT_NAME !== 'faults' && SCRIPT_NAME !== 'quiet') throw new Error(`ELEVGW_BENCH_PEER_SCRIPT: expected faults or quiet, got "${SCRIPT_NAME}"`);
  if (spawnSync('mosquitto', ['-h']).error) return { peer: 'skipped: mosquitto not installed' };
  if (WHO.includes('nodered')) nodeRedMain(); // fail before any run, not after elevgw's
  const out: Record<string, number | string> = {};
  if (EVENTS_FILE) writeFileSync(EVENTS_FILE, `${EVENT_COLUMNS.join('\t')}\n`);
  for (const periodMs of PERIODS) {
    for (const who of WHO) {
      const runs: RunFigures[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await run(periodMs, who));
      if (EVENTS_FILE) appendFileSync(EVENTS_FILE, eventRows(runs, who, periodMs));
      const polls = `peer ${periodMs} ms polls${SCRIPT_NAME === 'quiet' ? ', quiet' : ''}`;
      const label = {
        elevgw: `${polls}:`,
        // Flags replaced through ELEVGW_RUN_V8_FLAGS are named, so two sets never print alike.
        release: process.env.ELEVGW_RUN_V8_FLAGS === undefined ? `${polls}, launcher's V8 flags:` : `${polls}, V8 flags [${launcherFlags().join(' ')}]:`,
        floor: !FLOOR_AS_RELEASE
          ? `${polls}, floor:`
          : process.env.ELEVGW_RUN_V8_FLAGS === undefined
            ? `${polls}, floor on the release's Node and V8 flags:`
            : `${polls}, floor on the release's Node, V8 flags [${launcherFlags().join(' ')}]:`,
        nodered: `${polls}, Node-RED:`,
      }[who];
      // Node-RED polls on its own timer through the contrib's queue: whether it keeps the period is a figure too.
      Object.assign(out, figures(runs, label, who !== 'floor'));
    }
  }
  return out;
}

/** One row group of the printout from RUNS runs: medians of the runs, latency over all their changes. */
function figures(runs: RunFigures[], p: string, full: boolean): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const all = (f: (r: RunFigures) => number[]) => runs.flatMap(f).sort((a, b) => a - b);
  const range = (xs: number[], d = 2) => `${round(Math.min(...xs), d)}–${round(Math.max(...xs), d)}`;
  out[`${p} CPU s per 1,000 polls (median; range)`] = `${round(median(runs.map((r) => r.cpuPer1000)), 2)}; ${range(runs.map((r) => r.cpuPer1000))}`;
  // Where the CPU goes: the kernel (sockets, timers, the outbox's writes) or the process's own code,
  // and the event loop or the threads beside it. The floor pays the same kernel for the same job.
  const med = (f: (r: RunFigures) => number) => round(median(runs.map(f)), 2);
  out[`${p} the same: user / system; main thread / other threads (medians)`] =
    `${med((r) => r.userPer1000)} / ${med((r) => r.sysPer1000)}; ${med((r) => r.mainPer1000)} / ${med((r) => r.cpuPer1000 - r.mainPer1000)}`;
  out[`${p} RSS after ${WINDOW_S + WARMUP_MS / 1000} s (MiB, median; range)`] = `${round(median(runs.map((r) => r.rssMiB)), 1)}; ${range(
    runs.map((r) => r.rssMiB),
    1,
  )}`;
  // Every event the subscriber got (the quiet script expects none; with faults, the black boxes'
  // follow-ups too): against the quiet script's CPU, what an event costs.
  out[`${p} events published in the window (median)`] = median(runs.map((r) => r.eventsInWindow));
  const pipe = all((r) => r.pipeline);
  if (SCRIPT_NAME === 'faults') {
    out[`${p} poll answer → event, median / p99 / max (ms)`] = `${round(percentile(pipe, 50), 2)} / ${round(percentile(pipe, 99), 2)} / ${round(pipe.at(-1) ?? Number.NaN, 2)}`;
    // The issue's point: the black box must not make the raise itself slow.
    const raised = all((r) => r.raisedPipeline);
    const cleared = all((r) => r.clearedPipeline);
    out[`${p} the same, raised / cleared events, median (ms)`] = `${round(percentile(raised, 50), 2)} / ${round(percentile(cleared, 50), 2)}`;
    out[`${p} events measured (missed)`] = `${pipe.length} (${runs.reduce((n, r) => n + r.missed, 0)})`;
    const slowest = worst(runs, (r) => r.paths);
    if (slowest) out[`${p} slowest event: ms, when`] = when(slowest);
  }
  if (runs.some((r) => r.gc)) Object.assign(out, gcFigures(runs, p));
  if (runs.some((r) => r.stages)) {
    const stage = (i: number) => all((r) => (r.stages ?? []).map((e) => e[i]!));
    const fmt = (xs: number[]) => `${round(percentile(xs, 50), 3)} / ${round(percentile(xs, 99), 3)} / ${round(xs.at(-1) ?? Number.NaN, 3)}`;
    const total = all((r) => (r.stages ?? []).map((e) => e[0] + e[1] + e[2]));
    out[`${p} inside the gateway, median / p99 / max (ms): answer → INSERT; INSERT; → PUBLISH written; all (events)`] =
      `${fmt(stage(0))}; ${fmt(stage(1))}; ${fmt(stage(2))}; ${fmt(total)} (${total.length})`;
  }
  if (runs.some((r) => r.stalls)) Object.assign(out, stallFigures(runs, p));
  if (!full) return out;
  out[`${p} peak RSS (MiB, median; range)`] = `${round(median(runs.map((r) => r.peakMiB)), 1)}; ${range(
    runs.map((r) => r.peakMiB),
    1,
  )}`;
  const poll = all((r) => r.toPoll);
  if (SCRIPT_NAME === 'faults') out[`${p} change → first poll that saw it, median / p99 (ms)`] = `${round(percentile(poll, 50), 2)} / ${round(percentile(poll, 99), 2)}`;
  const jitter = all((r) => r.jitter);
  out[`${p} poll period jitter p50 / p99 / max (ms)`] = `${round(percentile(jitter, 50), 2)} / ${round(percentile(jitter, 99), 2)} / ${round(jitter.at(-1) ?? Number.NaN, 1)}`;
  const period = worst(runs, (r) => (r.worstPeriod ? [r.worstPeriod] : []));
  if (period) out[`${p} largest poll period deviation: ms, when`] = when(period);
  out[`${p} polls per second`] = round(median(runs.map((r) => r.pollsPerS)), 1);
  if (SCRIPT_NAME === 'faults') out[`${p} raised event size (bytes, median)`] = median(runs.flatMap((r) => r.raisedBytes));
  return out;
}

/** The longest of the runs' spans, with its run. */
function worst(runs: readonly RunFigures[], spans: (r: RunFigures) => readonly Span[]): Worst | undefined {
  let out: Worst | undefined;
  runs.forEach((r, i) => {
    for (const span of spans(r)) if (!out || span.ms > out.span.ms) out = { span, run: i, gc: r.gc, stalls: r.stalls, benchGc: r.benchGc };
  });
  return out;
}

interface Worst {
  span: Span;
  run: number;
  gc: GcLog | undefined;
  stalls: Stall[] | undefined;
  benchGc: Stall[] | undefined;
}

/** "4.53 ms, run 1 at 162.7 s of its window" and, with ELEVGW_BENCH_PEER_GC=1, the GC pauses and the machine's stalls it overlapped. */
function when(w: Worst): string {
  let at = `${round(w.span.ms, 2)} ms, run ${w.run + 1} at ${round(w.span.atS, 1)} s of its window`;
  if (w.gc) at += `; GC pauses during it: ${describePauses(pausesDuring(w.span, w.gc.pauses))}`;
  if (w.stalls) at += `; the machine's stalls during it: ${describeStalls(pausesDuring(w.span, w.stalls, 0))}`;
  if (w.benchGc) at += `; the bench's own GC pauses during it: ${describeStalls(pausesDuring(w.span, w.benchGc, 0))}`;
  return at;
}

/**
 * ELEVGW_BENCH_PEER_GC=1: how often the machine stalled (the stall watcher woke 1 ms late or more),
 * the events such a stall overlapped, and the slowest event that neither a stall nor a GC pause
 * of the gateway or of the bench overlapped: what the gateway's own path costs at worst.
 */
function stallFigures(runs: readonly RunFigures[], p: string): Record<string, string> {
  const watched = runs.filter((r) => r.stalls);
  const minutes = watched.reduce((m, r) => m + (r.windowEpoch.to - r.windowEpoch.from) / 60_000, 0);
  const stalls = watched.flatMap((r) => r.stalls!);
  const longest = stalls.reduce((a, x) => Math.max(a, x.ms), 0);
  const out: Record<string, string> = {
    [`${p} the machine's stalls of ${STALL_MS} ms or more per minute; longest (ms)`]: `${round(stalls.length / minutes, 2)}; ${stalls.length === 0 ? 'none' : round(longest, 1)}`,
  };
  const benchPauses = watched.flatMap((r) => r.benchGc ?? []);
  const benchLongest = benchPauses.reduce((a, x) => Math.max(a, x.ms), 0);
  out[`${p} the bench's own GC pauses ≥ 0.5 ms per minute; longest (ms)`] =
    `${round(benchPauses.length / minutes, 2)}; ${benchPauses.length === 0 ? 'none' : round(benchLongest, 1)}`;
  if (SCRIPT_NAME !== 'faults') return out;
  const measured = watched.reduce((n, r) => n + r.paths.length, 0);
  const byStall = (r: RunFigures, s: Span) => pausesDuring(s, r.stalls!, 0).length > 0;
  const byBenchGc = (r: RunFigures, s: Span) => pausesDuring(s, r.benchGc ?? [], 0).length > 0;
  const byGatewayGc = (r: RunFigures, s: Span) => r.gc !== undefined && pausesDuring(s, r.gc.pauses).length > 0;
  const hit = watched.flatMap((r) => r.paths.filter((s) => byStall(r, s))).map((s) => s.ms);
  const benchHit = watched.reduce((n, r) => n + r.paths.filter((s) => byBenchGc(r, s)).length, 0);
  const clean = watched
    .flatMap((r) => r.paths.filter((s) => !byStall(r, s) && !byBenchGc(r, s) && !byGatewayGc(r, s)))
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  out[`${p} events a GC pause of the bench overlapped (of measured)`] = `${benchHit} (of ${measured})`;
  hit.sort((a, b) => a - b);
  out[`${p} events a stall of the machine overlapped (of measured); their poll answer → event median / max (ms)`] =
    hit.length === 0 ? `0 (of ${measured})` : `${hit.length} (of ${measured}); ${round(percentile(hit, 50), 2)} / ${round(hit.at(-1)!, 2)}`;
  out[`${p} events neither a stall nor a GC pause (gateway's or bench's) overlapped: poll answer → event median / p99 / max (ms)`] =
    clean.length === 0 ? 'none' : `${round(percentile(clean, 50), 2)} / ${round(percentile(clean, 99), 2)} / ${round(clean.at(-1)!, 2)} (${clean.length})`;
  return out;
}

/** ELEVGW_BENCH_PEER_GC=1: how often the gateway's GC paused it, for how long, and how many events it delayed. */
function gcFigures(runs: readonly RunFigures[], p: string): Record<string, string> {
  const logged = runs.filter((r) => r.gc);
  const minutes = logged.reduce((m, r) => m + (r.windowEpoch.to - r.windowEpoch.from) / 60_000, 0);
  const pauses = logged.flatMap((r) => r.gc!.pauses);
  const per = (kind: GcPause['kind']) => round(pauses.filter((x) => x.kind === kind).length / minutes, 2);
  const longest = pauses.reduce<GcPause | undefined>((a, x) => (!a || x.ms > a.ms ? x : a), undefined);
  const hit = logged
    .flatMap((r) => r.paths.filter((s) => pausesDuring(s, r.gc!.pauses).length > 0))
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const measured = logged.reduce((n, r) => n + r.paths.length, 0);
  const out: Record<string, string> = {
    [`${p} GC pauses in the gateway per minute: major / incremental / minor ≥ 0.5 ms; longest`]: `${per('major')} / ${per('incremental')} / ${per('minor')}; ${longest ? `${longest.kind} ${round(longest.ms, 1)} ms` : 'none'}`,
  };
  if (SCRIPT_NAME === 'faults') {
    out[`${p} events a GC pause overlapped (of measured); their poll answer → event median / max (ms)`] =
      hit.length === 0 ? `0 (of ${measured})` : `${hit.length} (of ${measured}); ${round(percentile(hit, 50), 2)} / ${round(hit.at(-1)!, 2)}`;
  }
  return out;
}
