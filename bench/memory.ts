import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BenchSlave } from './rig-slave.js';
import { benchDir, launcherFlags, median, procStats, round, runGateway, sleep, startMosquitto, stopProcess, writeSite } from './rig.js';

const RUNS = Number(process.env.ELEVGW_BENCH_MEMORY_RUNS ?? 3);
const WINDOW_S = Number(process.env.ELEVGW_BENCH_MEMORY_S ?? 60);

/**
 * Node flags to compare, each a set of runs: plain `node` (a source checkout, `npm start`) and
 * the release launcher's flags for `run` — or, to try others, ELEVGW_BENCH_MEMORY_NODE_FLAGS
 * (space-separated; several sets separated by `;`, an empty one is plain node).
 */
function flagSets(): string[][] {
  const env = process.env.ELEVGW_BENCH_MEMORY_NODE_FLAGS;
  if (env === undefined) return [[], launcherFlags()];
  return env.split(';').map((set) => set.split(' ').filter(Boolean));
}

interface RunFigures {
  rssMiB: number;
  peakMiB: number;
  cpuS: number;
  /** Of the RSS, pages of mapped files: Node's executable and the native modules, read from disk. */
  fileMiB: number;
  /** Of the RSS, anonymous pages: V8's heap, malloc (SQLite's page cache), stacks. */
  anonMiB: number;
}

/** What the RSS is made of, from /proc/PID/smaps_rollup (kB). */
function rssParts(pid: number): { fileMiB: number; anonMiB: number } {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? Number.NaN);
  return { fileMiB: (kb('Rss') - kb('Anonymous')) / 1024, anonMiB: kb('Anonymous') / 1024 };
}

/**
 * One run: a Modbus TCP slave in this process, mosquitto, and `elevgw run` with one elevator at
 * the board's 100 ms poll period. Every few seconds the car starts, its door opens while it runs,
 * and it stops, so rules fire and events go through the outbox to the broker, as on a site.
 */
async function run(nodeFlags: string[]): Promise<RunFigures> {
  const tmp = benchDir('memory');
  const slave = await BenchSlave.start();
  const broker = await startMosquitto(tmp.dir);
  const site = writeSite(tmp.dir, { elevators: [{ id: 'E1', port: slave.port }], brokerUrl: broker.url, periodMs: 100 });
  const gw = runGateway(site, { nodeFlags });
  try {
    for (let s = 0; s < WINDOW_S; s++) {
      await sleep(1000);
      const phase = s % 6;
      slave.state = { ...slave.state, speedMps: phase >= 1 && phase <= 3 ? 1.0 : 0, doorClosed: phase !== 2, doorOpen: phase === 2 };
      if (gw.exitCode !== null) throw new Error(`elevgw run exited (${gw.exitCode})`);
    }
    const end = procStats(gw.pid!);
    return { rssMiB: end.rssMiB, peakMiB: end.peakMiB, cpuS: end.cpuS, ...rssParts(gw.pid!) };
  } finally {
    await stopProcess(gw);
    await stopProcess(broker.proc);
    await slave.close();
    tmp.cleanup();
  }
}

/**
 * `npm run bench -- memory`: resident memory of `elevgw run` with one elevator on Modbus TCP
 * against a real mosquitto — VmRSS after WINDOW_S seconds and VmHWM (the peak, start-up
 * included) — median of RUNS runs, with the range and the CPU the process spent, per flag set.
 * The RSS is also split into mapped files (Node's executable: what code can change only by
 * loading less of Node's own library) and anonymous memory (V8's heap, malloc).
 */
export async function benchMemory(): Promise<Record<string, number | string>> {
  if (spawnSync('mosquitto', ['-h']).error) return { memory: 'skipped: mosquitto not installed' };
  const out: Record<string, number | string> = {};
  for (const flags of flagSets()) {
    const runs: RunFigures[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(flags));
    const fig = (f: (r: RunFigures) => number, d = 1) => {
      const xs = runs.map(f);
      return `${round(median(xs), d)}; ${round(Math.min(...xs), d)}–${round(Math.max(...xs), d)}`;
    };
    const p = `memory [${flags.join(' ') || 'plain node'}]`;
    out[`${p}: RSS after ${WINDOW_S} s, 1 elevator (MiB, median; range)`] = fig((r) => r.rssMiB);
    out[`${p}: peak RSS, VmHWM (MiB, median; range)`] = fig((r) => r.peakMiB);
    out[`${p}: of the RSS, mapped files (MiB, median; range)`] = fig((r) => r.fileMiB);
    out[`${p}: of the RSS, anonymous (MiB, median; range)`] = fig((r) => r.anonMiB);
    out[`${p}: CPU s over the run (median; range)`] = fig((r) => r.cpuS, 2);
  }
  return out;
}
