import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePlanned, planGroup } from '../drivers/modbus/plan.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../src/config/load.js';
import { defaultThresholds } from '../src/config/thresholds.js';
import { pipelineFor } from '../src/detect/pipeline.js';
import { BlackboxJson } from '../src/runtime/blackbox-json.js';
import type { DetectedEvent } from '../src/detect/types.js';
import { REG, SIM_REGISTER_COUNT, STATUS_BITS } from '../src/sim/modbus-map.js';
import { gatewayApp, launcherFlags, median, round } from './rig.js';

const RUNS = Number(process.env.ELEVGW_BENCH_POLL_PATH_RUNS ?? 3);
const POLLS = 40_000;
/** Polls timed one by one after the warm loop, each after a sleep of the poll period, as `run` polls. */
const SPACED = Number(process.env.ELEVGW_BENCH_POLL_PATH_SPACED ?? 150);
/** The sleep between spaced polls, ms: the pilot's poll period. */
const SPACE_MS = 100;
/** Polls in one cycle of the running car's answers. */
const CYCLE = 240;
/**
 * Rounds of the caches' measurement (`cachesChild`); 0 leaves it out. Each round times one poll
 * after each condition below, the idle car on the launcher's flags only.
 */
const CACHE_ROUNDS = Number(process.env.ELEVGW_BENCH_POLL_PATH_CACHE_ROUNDS ?? 60);

/** What one child measured, µs per poll over the second half of its polls (the first warms up). */
interface PathFigures {
  decode: number;
  update: number;
  step: number;
  events: number;
  /** The spaced polls after the warm loop, µs per poll: medians of each part, and the mean of the whole. */
  spaced: { decode: number; update: number; step: number; all: number; mean: number };
}

/**
 * The answers of the `peer` bench's slave, as the board reads them: the car idle at floor 2 with
 * its door closed (`moving`: running from the bottom to the top landing at 1 m/s, 100 mm a poll,
 * standing there 3 s, running back and standing 3 s), the heartbeat changing with every answer.
 */
function answer(i: number, moving: boolean): number[] {
  const regs = new Array<number>(SIM_REGISTER_COUNT).fill(0);
  const t = i % CYCLE; // 90 polls up, 30 standing, 90 down, 30 standing
  const mm = !moving ? 6000 : t < 90 ? 100 * t : t < 120 ? 9000 : t < 210 ? 9000 - 100 * (t - 120) : 0;
  const speed = !moving ? 0 : t < 90 ? 1000 : t < 120 ? 0 : t < 210 ? -1000 : 0;
  const status = [STATUS_BITS.doorClosed, STATUS_BITS.safetyCircuit, STATUS_BITS.doorLockCircuit, STATUS_BITS.mainsPower].reduce<number>((m, b) => m | (1 << b), 0);
  const atLanding = mm % 3000 === 0;
  regs[REG.positionHigh] = 0;
  regs[REG.positionLow] = mm;
  regs[REG.speed] = speed & 0xffff;
  regs[REG.status] = status | (atLanding ? 1 << STATUS_BITS.doorZone : 0);
  regs[REG.floor] = Math.round(mm / 3000); // the landing's index, as the peer slave reports it
  regs[REG.heartbeat] = i & 0xffff;
  regs[REG.zoneSensors] = atLanding ? 3 : 0;
  return regs;
}

/** A poll's parts, ms. */
interface Parts {
  decode: number;
  update: number;
  step: number;
}

/**
 * In the child: one elevator's poll path as `elevgw run` takes it, from the answer's words to the
 * end of the detection step — the plan's decoding, the normalizer, the rules, the statistics and
 * the health indicators, the black box's rows — on sim-modbus, the board `peer` polls. `poll`
 * runs the next poll, adds its parts to `t` and returns its ms.
 */
function pollPath(moving: boolean): { poll: (t?: Parts) => number; events: () => number } {
  const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'modbus-tcp', 'modbus-rtu', 'modbus');
  const plan = planGroup(board.points);
  const blackbox = new BlackboxJson();
  const floors = [0, 3000, 6000, 9000].map((levelMm, i) => ({ label: String(i + 1), levelMm }));
  const pipeline = pipelineFor({ config: { id: 'E1', ratedSpeedMps: 1.75, floors }, board, thresholds: defaultThresholds }, { onBlackboxRecord: (s) => blackbox.prepare(s) });
  const block = plan.blocks[0]!;
  if (plan.blocks.length !== 1) throw new Error('poll-path: sim-modbus is expected to read in one block');
  let events = 0;
  const emit = (e: DetectedEvent[]) => {
    events += e.length;
  };
  const answers = Array.from({ length: CYCLE }, (_, i) => answer(i, moving));
  let now = 1000;
  let i = 0;
  const poll = (t?: Parts) => {
    now += 100;
    const words = answers[i % answers.length]!.slice();
    words[REG.heartbeat] = i & 0xffff;
    i++;
    const a = performance.now();
    const points = decodePlanned(plan, [{ block, words }], now);
    const b = performance.now();
    pipeline.update(points);
    const c = performance.now();
    pipeline.stepEmitting(now, emit);
    const d = performance.now();
    if (t) {
      t.decode += b - a;
      t.update += c - b;
      t.step += d - c;
    }
    return d - a;
  };
  return { poll, events: () => events };
}

/** In the child: the path warm (a loop), then polls 100 ms apart (see benchPollPath). */
async function measure(moving: boolean): Promise<PathFigures> {
  const path = pollPath(moving);
  const poll = (t: Parts) => path.poll(t);
  const ignored = { decode: 0, update: 0, step: 0 };
  const t = { decode: 0, update: 0, step: 0 };
  for (let k = 0; k < POLLS; k++) poll(k < POLLS / 2 ? ignored : t);
  const per = (ms: number) => (ms * 1000) / (POLLS / 2);
  // Then as `elevgw run` polls: a sleep of the period before each poll, in which the machine
  // runs other things and the caches forget elevgw's code and data.
  const spaced: Parts[] = [];
  for (let k = 0; k < SPACED; k++) {
    await new Promise((resolve) => setTimeout(resolve, SPACE_MS));
    const one = { decode: 0, update: 0, step: 0 };
    poll(one);
    spaced.push(one);
  }
  const us = (f: (x: Parts) => number) => median(spaced.map(f)) * 1000;
  const all = (x: Parts) => x.decode + x.update + x.step;
  return {
    decode: per(t.decode),
    update: per(t.update),
    step: per(t.step),
    events: path.events(),
    spaced: {
      decode: us((x) => x.decode),
      update: us((x) => x.update),
      step: us((x) => x.step),
      all: us(all),
      mean: (spaced.reduce((sum, x) => sum + all(x), 0) * 1000) / Math.max(1, spaced.length),
    },
  };
}

/** This machine's data caches, bytes by level (sysfs); the largest per level, empty where sysfs does not say. */
function cacheSizes(): Map<number, number> {
  const sizes = new Map<number, number>();
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).filter((e) => e.startsWith('index'));
  } catch {
    return sizes;
  }
  for (const e of entries) {
    const read = (f: string) => readFileSync(join(dir, e, f), 'utf8').trim();
    if (read('type') === 'Instruction') continue;
    const m = /^(\d+)([KMG]?)$/.exec(read('size'));
    if (!m) continue;
    const bytes = Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as const)[m[2] as '' | 'K' | 'M' | 'G'];
    const level = Number(read('level'));
    sizes.set(level, Math.max(sizes.get(level) ?? 0, bytes));
  }
  return sizes;
}

/**
 * What takes the poll path's code and data out of the processor's caches between two polls, one
 * condition at a time: the poll before is warm; then the caches are filled with other data
 * (twice the size of the second level, then of the last), or the process spins on the clock for
 * a while touching nothing, or sleeps as `run` does. If the path is cold only once the last level
 * is filled, and also after spinning, other work on the machine took it away, not this process.
 */
function conditions(): { label: string; between: () => Promise<void> | void }[] {
  const sizes = cacheSizes();
  const levels = [...sizes.keys()].sort((a, b) => a - b);
  const last = levels.at(-1);
  const junk = Buffer.alloc(2 * Math.max(...sizes.values(), 32 * 1024 ** 2));
  let fill = 0;
  // In 4 KiB pieces: memset writes a large fill around the caches (non-temporal stores), which would empty none.
  const touch = (bytes: number) => () => {
    const v = ++fill & 0xff;
    for (let at = 0; at < bytes; at += 4096) junk.fill(v, at, at + 4096);
  };
  const spin = (ms: number) => () => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  const mib = (b: number) => `${round(b / 1024 ** 2, 1)} MiB`;
  const out: { label: string; between: () => Promise<void> | void }[] = [{ label: 'right after a poll', between: () => undefined }];
  for (const level of levels.filter((l) => l >= 2)) {
    const bytes = 2 * sizes.get(level)!;
    out.push({ label: `after writing ${mib(bytes)}, twice the L${level} cache${level === last ? ' (the last level)' : ''}`, between: touch(bytes) });
  }
  if (last === undefined) out.push({ label: `after writing ${mib(junk.length)} (cache sizes unknown)`, between: touch(junk.length) });
  for (const ms of [1, 10, 100]) out.push({ label: `after spinning ${ms} ms, touching nothing`, between: spin(ms) });
  out.push({ label: `after sleeping ${SPACE_MS} ms`, between: () => new Promise((resolve) => setTimeout(resolve, SPACE_MS)) });
  return out;
}

/** In the child: the idle car's path, warm, then one poll after each of `conditions()`, CACHE_ROUNDS times; µs medians by condition. */
async function cachesChild(): Promise<Record<string, number>> {
  const path = pollPath(false);
  for (let k = 0; k < POLLS / 4; k++) path.poll();
  const list = conditions();
  const times = list.map(() => [] as number[]);
  for (let r = 0; r < CACHE_ROUNDS; r++) {
    for (let c = 0; c < list.length; c++) {
      await new Promise((resolve) => setImmediate(resolve));
      path.poll();
      await list[c]!.between();
      times[c]!.push(path.poll() * 1000);
    }
  }
  return Object.fromEntries(list.map((c, i) => [c.label, median(times[i]!)]));
}

/** The runtimes measured: this Node with V8's defaults, and the gateway's Node with the launcher's flags for `run`. */
function runtimes(): { label: string; node: string; flags: string[] }[] {
  return [
    { label: 'V8 defaults', node: process.execPath, flags: [] },
    { label: "the launcher's V8 flags", node: gatewayApp().node, flags: launcherFlags() },
  ];
}

/**
 * `npm run bench -- poll-path`: the µs one poll of one elevator costs in elevgw's own code with
 * the code warm (a loop of 40,000 polls, the second half measured), split into the decoding, the
 * normalizer's update and the detection step. Each run is a child process, so the launcher's
 * flags (interpreter only) apply; ELEVGW_BENCH_APP picks the release's Node as `peer` does. In
 * `elevgw run` at 100 ms polls the same code runs cold between sleeps and costs several times as
 * much (docs/performance.md), so each child then times polls 100 ms apart, one by one: the cost
 * `run` pays, which a change to that code moves.
 */
export async function benchPollPath(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const self = fileURLToPath(import.meta.url);
  for (const rt of runtimes()) {
    for (const moving of [false, true]) {
      const runs: PathFigures[] = [];
      for (let r = 0; r < RUNS; r++) {
        const child = spawnSync(rt.node, [...rt.flags, self, moving ? 'moving' : 'idle'], { encoding: 'utf8' });
        if (child.status !== 0) throw new Error(`poll-path child failed (${child.status}): ${child.stderr}`);
        runs.push(JSON.parse(child.stdout) as PathFigures);
      }
      const m = (k: 'decode' | 'update' | 'step') => round(median(runs.map((x) => x[k])), 1);
      const label = `poll path, ${moving ? 'car running' : 'car idle'}, ${rt.label}`;
      out[`${label}: µs per poll, decode / update / step`] = `${m('decode')} / ${m('update')} / ${m('step')}`;
      out[`${label}: µs per poll, all (median; range)`] =
        `${round(median(runs.map((x) => x.decode + x.update + x.step)), 1)}; ${round(Math.min(...runs.map((x) => x.decode + x.update + x.step)), 1)}–${round(Math.max(...runs.map((x) => x.decode + x.update + x.step)), 1)}`;
      out[`${label}: events in the loop`] = runs[0]!.events;
      if (SPACED > 0) {
        const sp = (k: keyof PathFigures['spaced']) => round(median(runs.map((x) => x.spaced[k])), 1);
        out[`${label}, polls ${SPACE_MS} ms apart: µs per poll, decode / update / step (medians)`] = `${sp('decode')} / ${sp('update')} / ${sp('step')}`;
        out[`${label}, polls ${SPACE_MS} ms apart: µs per poll, all, median / mean`] = `${sp('all')} / ${sp('mean')}`;
      }
    }
  }
  if (CACHE_ROUNDS > 0) {
    const rt = runtimes().at(-1)!;
    const runs: Record<string, number>[] = [];
    for (let r = 0; r < RUNS; r++) {
      const child = spawnSync(rt.node, [...rt.flags, self, 'caches'], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`poll-path child failed (${child.status}): ${child.stderr}`);
      runs.push(JSON.parse(child.stdout) as Record<string, number>);
    }
    for (const label of Object.keys(runs[0]!)) {
      const v = runs.map((x) => x[label]!);
      out[`poll path, car idle, ${rt.label}, one poll ${label}: µs (median; range)`] = `${round(median(v), 1)}; ${round(Math.min(...v), 1)}–${round(Math.max(...v), 1)}`;
    }
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  process.stdout.write(JSON.stringify(mode === 'caches' ? await cachesChild() : await measure(mode === 'moving')));
}
