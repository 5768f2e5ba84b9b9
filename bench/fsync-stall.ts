import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { BenchSlave, CONTROLLER_SCRIPT, NO_HOLD_RULES, periodJitter, type Answer } from './rig-slave.js';
import { type Arrival, benchDir, median, percentile, round, runGateway, sleep, startMosquitto, stopProcess, subscribeEvents, writeSite } from './rig.js';

const RUNS = Number(process.env.ELEVGW_BENCH_FSYNC_RUNS ?? 3);
const WINDOW_S = Number(process.env.ELEVGW_BENCH_FSYNC_S ?? 30);
const WARMUP_MS = 5000;
const DELAYS_MS = [0, 20, 100];
const PERIODS_MS = [10, 100];

/** An event that has not arrived this long after its change counts as not delivered. */
const DELIVERY_LIMIT_MS = 5000;

/** How the gateway runs: plain node, or under strace with every fsync/fdatasync delayed by `delayMs`. */
type Variant = { strace: false } | { strace: true; delayMs: number };

interface RunFigures {
  jitter: number[];
  /** Poll slots the gateway let pass, seen from the slave: an interval of k periods skipped k − 1. */
  skipped: number;
  expected: number;
  delivered: number;
  /** poll answer that saw the change → event at the subscriber, ms */
  pipeline: number[];
}

/** `--seccomp-bpf` stops the tracee only at the traced syscalls, so untraced ones cost nothing. */
let seccompFlag: string[] | undefined;
function seccomp(): string[] {
  seccompFlag ??= spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-o', '/dev/null', '-e', 'trace=fsync', 'true']).status === 0 ? ['--seccomp-bpf'] : [];
  return seccompFlag;
}

/** The same wrapper for every delay, 0 included, so the only difference between cells is the delay. */
function straceWrapper(delayMs: number): string[] {
  const us = `${Math.round(delayMs * 1000)}us`;
  return [
    'strace',
    '-f',
    '-qq',
    ...seccomp(),
    '-o',
    '/dev/null',
    '-e',
    'trace=fsync,fdatasync',
    '-e',
    `inject=fsync:delay_enter=${us}`,
    '-e',
    `inject=fdatasync:delay_enter=${us}`,
  ];
}

/**
 * The node process under strace, so it is the one asked to stop: strace with `-o` ignores SIGTERM.
 * Told apart by its program (strace's own argv names main.js too), since strace first forks a
 * child of its own to test seccomp.
 */
async function gatewayPid(gw: ChildProcess, wrapped: boolean): Promise<number> {
  if (!wrapped) return gw.pid!;
  for (let i = 0; i < 500; i++) {
    const kids = readFileSync(`/proc/${gw.pid}/task/${gw.pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
    const node = kids.find((k) => {
      try {
        return readFileSync(`/proc/${k}/cmdline`, 'utf8').split('\0')[0] === process.execPath;
      } catch {
        return false; // gone meanwhile: strace's test child
      }
    });
    if (node) return Number(node);
    await sleep(20);
  }
  gw.kill('SIGKILL'); // no gateway to stop, so nothing is left behind
  throw new Error('strace started no gateway');
}

function skippedSlots(answers: readonly Answer[], periodMs: number): number {
  let n = 0;
  for (let i = 1; i < answers.length; i++) n += Math.max(0, Math.round((answers[i]!.at - answers[i - 1]!.at) / periodMs) - 1);
  return n;
}

/** SIGTERM to the gateway itself (strace exits when its tracee has), SIGKILL if it hangs. */
async function stopGateway(gw: ChildProcess, pid: number | undefined): Promise<void> {
  if (gw.exitCode !== null || gw.signalCode !== null) return;
  const exited = new Promise<boolean>((r) => gw.once('exit', () => r(true)));
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(pid ?? gw.pid!, signal);
    } catch {
      return; // already gone
    }
    if (await Promise.race([exited, sleep(10_000).then(() => false)])) return;
  }
}

async function run(periodMs: number, v: Variant): Promise<RunFigures> {
  const tmp = benchDir('fsync-stall');
  const slave = await BenchSlave.start();
  const broker = await startMosquitto(tmp.dir);
  const arrivals: Arrival[] = [];
  const sub = await subscribeEvents(broker.url, arrivals);
  const site = writeSite(tmp.dir, { elevators: [{ id: 'E1', port: slave.port }], brokerUrl: broker.url, periodMs, rules: NO_HOLD_RULES });
  const gw = runGateway(site, v.strace ? { wrapper: straceWrapper(v.delayMs) } : {});
  const changes: { at: number; expect: { type: string; phase: string } }[] = [];
  let pid: number | undefined;
  try {
    pid = await gatewayPid(gw, v.strace);
    await sleep(WARMUP_MS);
    const answers = slave.answers[0] ?? [];
    const polls0 = answers.length;
    const t0 = performance.now();
    let step = 0;
    while (performance.now() - t0 < WINDOW_S * 1000) {
      await sleep(700 + Math.random() * 600);
      const s = CONTROLLER_SCRIPT[step++ % CONTROLLER_SCRIPT.length]!;
      slave.state = { ...slave.state, ...s.change };
      if (s.expect) changes.push({ at: performance.now(), expect: s.expect });
    }
    const window = answers.slice(polls0);
    await sleep(1500); // the last events arrive, even behind a 100 ms fsync
    const pipeline: number[] = [];
    let delivered = 0;
    for (const c of changes) {
      const event = arrivals.find((a) => a.at >= c.at && a.at - c.at < DELIVERY_LIMIT_MS && a.type === c.expect.type && a.phase === c.expect.phase);
      if (!event) continue;
      delivered++;
      const poll = answers.find((a) => a.at >= c.at);
      if (poll) pipeline.push(event.at - poll.at);
    }
    return {
      jitter: periodJitter(window, periodMs),
      skipped: skippedSlots(window, periodMs),
      expected: changes.length,
      delivered,
      pipeline: pipeline.sort((a, b) => a - b),
    };
  } finally {
    await stopGateway(gw, pid);
    await sub.endAsync();
    await stopProcess(broker.proc);
    await slave.close();
    tmp.cleanup();
  }
}

/** One cell: each figure is the median over the runs of that run's figure; events are summed. */
function cell(runs: RunFigures[]): string {
  const m = (f: (r: RunFigures) => number, d = 1) => round(median(runs.map(f)), d);
  const jitter = `${m((r) => percentile(r.jitter, 50), 2)} / ${m((r) => percentile(r.jitter, 99))} / ${m((r) => r.jitter.at(-1) ?? Number.NaN)}`;
  const events = `${runs.reduce((n, r) => n + r.delivered, 0)}/${runs.reduce((n, r) => n + r.expected, 0)}`;
  const pipe = `${m((r) => percentile(r.pipeline, 50))} / ${m((r) => percentile(r.pipeline, 99))}`;
  return `${jitter.padEnd(20)} ${String(m((r) => r.skipped, 0)).padStart(7)} ${events.padStart(8)}   ${pipe}`;
}

/**
 * Issue 15 (`npm run bench -- fsync-stall`): is the poll loop stalled by a slow disk? The gateway
 * of bench/peer.ts (one controller over Modbus TCP, two rules, QoS 1 to mosquitto, an event about
 * every second) runs under strace, which delays each fsync and fdatasync of the gateway by 0, 20
 * and 100 ms — an SD card that takes that long to sync. A poll loop that does not wait for the
 * disk keeps its period at every delay; one that does shows the delay as jitter and skipped slots.
 * The poll answer → subscriber latency includes the event's own fsync (stored before it is sent),
 * so it grows with the delay either way. The plain-node row shows strace's own cost.
 */
export async function benchFsyncStall(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { 'fsync-stall': 'skipped: mosquitto not installed' };
  if (spawnSync('strace', ['-V']).error) return { 'fsync-stall': 'skipped: strace not installed' };
  const out: Record<string, number | string> = {
    [`${RUNS} runs × ${WINDOW_S} s per row`]: 'jitter p50 / p99 / max (ms)  skipped  events   answer → event p50 / p99 (ms)',
  };
  const variants: Variant[] = [{ strace: false }, ...DELAYS_MS.map((delayMs) => ({ strace: true as const, delayMs }))];
  for (const periodMs of PERIODS_MS) {
    for (const v of variants) {
      const runs: RunFigures[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await run(periodMs, v));
      out[`${periodMs} ms polls, ${v.strace ? `strace, fsync +${v.delayMs} ms` : 'no strace'}`] = cell(runs);
    }
  }
  return out;
}
