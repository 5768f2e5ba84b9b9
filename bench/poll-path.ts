import { spawnSync } from 'node:child_process';
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

/**
 * In the child: one elevator's poll path as `elevgw run` takes it, from the answer's words to the
 * end of the detection step — the plan's decoding, the normalizer, the rules, the statistics and
 * the health indicators, the black box's rows — on sim-modbus, the board `peer` polls, warm.
 */
async function measure(moving: boolean): Promise<PathFigures> {
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
  /** One poll, its parts' ms added to `t`. */
  const poll = (t: { decode: number; update: number; step: number }) => {
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
    t.decode += b - a;
    t.update += c - b;
    t.step += d - c;
  };
  const ignored = { decode: 0, update: 0, step: 0 };
  const t = { decode: 0, update: 0, step: 0 };
  for (let k = 0; k < POLLS; k++) poll(k < POLLS / 2 ? ignored : t);
  const per = (ms: number) => (ms * 1000) / (POLLS / 2);
  // Then as `elevgw run` polls: a sleep of the period before each poll, in which the machine
  // runs other things and the caches forget elevgw's code and data.
  const spaced: { decode: number; update: number; step: number }[] = [];
  for (let k = 0; k < SPACED; k++) {
    await new Promise((resolve) => setTimeout(resolve, SPACE_MS));
    const one = { decode: 0, update: 0, step: 0 };
    poll(one);
    spaced.push(one);
  }
  const us = (f: (x: { decode: number; update: number; step: number }) => number) => median(spaced.map(f)) * 1000;
  const all = (x: { decode: number; update: number; step: number }) => x.decode + x.update + x.step;
  return {
    decode: per(t.decode),
    update: per(t.update),
    step: per(t.step),
    events,
    spaced: {
      decode: us((x) => x.decode),
      update: us((x) => x.update),
      step: us((x) => x.step),
      all: us(all),
      mean: (spaced.reduce((sum, x) => sum + all(x), 0) * 1000) / Math.max(1, spaced.length),
    },
  };
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
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(await measure(process.argv[2] === 'moving')));
}
