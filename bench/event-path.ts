import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadedElevator } from '../src/config/load.js';
import { systemClock } from '../src/core/clock.js';
import { EventIdFactory } from '../src/core/ids.js';
import type { DetectedEvent } from '../src/detect/types.js';
import { RecordFactory } from '../src/runtime/records.js';
import type { ElevatorSignals, Snapshot } from '../src/signals/types.js';
import { launcherFlags, median, round } from './rig.js';

const CALLS = Number(process.env.ELEVGW_BENCH_EVENT_PATH_CALLS ?? 100);
/** Idle gaps between two events' records: a poll's worth at 1, 10 and 100 ms polls. */
const GAPS_MS = [1, 10, 100];
const BUSY_MS = 10;
const CHILD = 'ELEVGW_BENCH_EVENT_PATH_CHILD';

/** A snapshot as the black box keeps it: every signal good. */
function signals(i: number): ElevatorSignals {
  const g = <V>(value: V) => ({ value, quality: 'good' as const, at: i * 500 });
  return {
    positionMm: g(3000 + i * 7.5),
    speedMps: g(1.2),
    floor: g(1),
    controllerFloor: g(1),
    levelingErrorMm: g(12.5),
    door: g(i % 2 === 0 ? 'closed' : 'opening'),
    doorZone: g(false),
    doorLockCircuit: g(true),
    safetyCircuit: g(true),
    occupied: g(true),
    alarmButton: g(false),
    overspeedSwitch: g(false),
  };
}

/** `ms` of work that is not the event's: small objects made and dropped, as a poll loop makes them (not idle: no timer). */
function otherWork(ms: number): void {
  const end = performance.now() + ms;
  let kept: { i: number; s: string }[] = [];
  for (let i = 0; performance.now() < end; i++) {
    kept.push({ i, s: `v${i}` });
    if (kept.length > 1000) kept = [];
  }
}

/**
 * Child: the cost of turning one detected event into its outbox row (`RecordFactory.event`: id,
 * envelope, JSON, the black box), called back to back, then with the process idle 1, 10 and
 * 100 ms between two calls, then after 10 ms of other work — the gateway's case, an event now and
 * then among polls. Prints JSON.
 */
async function child(): Promise<void> {
  const factory = new RecordFactory({
    gatewayId: 'bench-gw',
    ids: new EventIdFactory(() => Date.now()),
    clock: systemClock,
    timeScale: 1,
    clockSynced: () => true,
    bootId: 'bench',
  });
  const elevator = { config: { id: 'E1', registrationCode: '31104201002019000001', rescueCode: 'JH-0001' } } as LoadedElevator;
  const state = { floorIndex: 1, floor: '2', positionMm: 3000, speedMps: 1.2, carStatus: 'run' as const, door: 'opening' as const, doorZone: false };
  const box: Snapshot[] = Array.from({ length: 61 }, (_, i) => ({ elevatorId: 'E1', mono: i * 500, signals: signals(i) }));
  for (const s of box) factory.prepareBlackbox(s.signals);
  const raise = (): DetectedEvent => ({
    elevatorId: 'E1',
    type: 'door-open-while-moving',
    phase: 'raised',
    severity: 'critical',
    mono: performance.now(),
    data: { speedMps: 1.2, door: 'opening' },
    blackbox: box,
  });
  const clear = (): DetectedEvent => ({ elevatorId: 'E1', type: 'door-open-while-moving', phase: 'cleared', severity: 'critical', mono: performance.now() });
  const time = (make: () => DetectedEvent): number => {
    const ev = make();
    const t = performance.now();
    factory.event(ev, elevator, state);
    return (performance.now() - t) * 1000;
  };
  const out: Record<string, number> = {};
  for (const [name, make] of [
    ['raised', raise],
    ['cleared', clear],
  ] as const) {
    for (let i = 0; i < 200; i++) time(make); // past V8's first calls
    out[`${name} back to back`] = median(Array.from({ length: CALLS }, () => time(make)));
    for (const gap of GAPS_MS) {
      const idle: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        await new Promise((r) => setTimeout(r, gap));
        idle.push(time(make));
      }
      out[`${name} once per ${gap} ms, idle between`] = median(idle);
    }
    const busy: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      await new Promise((r) => setTimeout(r, 0));
      otherWork(BUSY_MS);
      busy.push(time(make));
    }
    out[`${name} after ${BUSY_MS} ms of other work`] = median(busy);
  }
  console.log(JSON.stringify(out));
}

/**
 * `npm run bench -- event-path`: the same work, warm and cold. Back to back, an event's record
 * costs microseconds; the longer since the last one, the more it costs, up to many times that
 * at 100 ms, whichever V8 tier runs it and whether the process idled or worked meanwhile: what
 * the time between took out of the processor's caches, not the instructions. Run under the
 * launcher's V8 flags for `run` and under V8's defaults.
 */
export async function benchEventPath(): Promise<Record<string, number | string>> {
  const v8 = launcherFlags().filter((f) => f !== '--use-openssl-ca');
  const out: Record<string, number | string> = {};
  for (const [label, flags] of [
    ["launcher's V8 flags", v8],
    ['V8 defaults (full JIT)', []],
  ] as const) {
    const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], { env: { ...process.env, [CHILD]: '1' }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`event-path child (${label}) failed: ${r.stderr}`);
    const figures = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
    for (const [k, v] of Object.entries(figures)) out[`event-path ${label}: RecordFactory.event, ${k} (µs, median of ${CALLS})`] = round(v, 1);
  }
  return out;
}

if (process.env[CHILD] === '1') await child();
