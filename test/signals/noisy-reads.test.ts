import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { staleWindowMs } from '../../src/signals/normalize.js';
import { prng } from '../../src/sim/prng.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml')) as ModbusBoardProfile;
const FLOORS = [0, 3000, 6000, 9000, 12000];
const POLL_MS = 100;

/** A car stalled between floors 2 and 3 with a passenger inside, doors shut. */
const STALLED: Record<string, number | boolean> = {
  position: 7500,
  speed: 0,
  doorClosed: true,
  doorOpen: false,
  zoneUpper: false,
  zoneLower: false,
  safetyCircuit: true,
  doorLockCircuit: true,
  overspeedSwitch: false,
  inspection: false,
  alarmButton: false,
  occupied: true,
  mainsPower: true,
  topFinalLimit: false,
  bottomFinalLimit: false,
  floor: 2,
};

/**
 * The monitor's loop on fake time: every 100 ms a poll that either answers or fails (every
 * point 'bad', as the Modbus driver reports a failed transaction), then the rules.
 */
function rig() {
  const clock = new FakeClock();
  const pipeline = new ElevatorPipeline(board, {
    elevatorId: 'E1',
    thresholds: defaultThresholds,
    ratedSpeedMps: 1.75,
    floors: FLOORS.map((levelMm, i) => ({ label: String(i), levelMm })),
  });
  const events: DetectedEvent[] = [];
  let beat = 0;
  return {
    clock,
    events,
    /** `ms` of polls; `fails(now)` says whether the poll at `now` fails; `change(now)` alters what the controller reports. */
    run(ms: number, fails: (now: number) => boolean, change: (now: number) => Record<string, number | boolean> = () => ({})) {
      for (let t = 0; t < ms; t += POLL_MS) {
        clock.advance(POLL_MS);
        const now = clock.now();
        const quality = fails(now) ? 'bad' : 'good';
        const values = { ...STALLED, ...change(now), heartbeat: ++beat & 0xffff };
        const points: RawPoint[] = Object.entries(values).map(([point, value]) => ({ point, value: quality === 'good' ? value : 0, at: now, quality }));
        pipeline.update(points);
        events.push(...pipeline.step(now).events.filter((e) => e.type !== 'blackbox'));
      }
    },
  };
}

/** Raises of the faults this file is about (stopped-outside-zone rightly comes at 5 s in every case). */
const raises = (events: readonly DetectedEvent[]) => events.filter((e) => e.phase === 'raised' && e.type !== 'stopped-outside-zone').map((e) => `${e.type}@${e.mono}`);

describe('a noisy line: failed polls within the staleness window are not missing data', () => {
  it('the window of a board polled every 100 ms is 3 s (what the cases below rely on)', () => {
    expect(staleWindowMs(board)).toBe(3000);
  });

  it(`given a passenger stalled between floors and 10 % of polls failing at random, trapped is raised 30 s after the stop, on time`, () => {
    const r = rig();
    const random = prng(8);
    r.run(60_000, () => random() < 0.1);
    // The stop began with the first sample at 100 ms; 30 s outside the door zone.
    expect(raises(r.events)).toEqual(['trapped@30100']);
    expect(r.events.filter((e) => e.type === 'stopped-outside-zone').map((e) => e.phase)).toEqual(['raised']);
  });

  it('given 20 failed polls in a row (2 s, inside the 3 s window), the hold carries on and nothing else is raised', () => {
    const r = rig();
    r.run(60_000, (now) => now > 10_000 && now <= 12_000);
    expect(raises(r.events)).toEqual(['trapped@30100']);
  });

  it('given a gap longer than the window, the reading turns unknown and the hold restarts from the first good read after it', () => {
    const r = rig();
    // Unreadable from 10 s to 15 s: known good until 10 s, unknown after 13 s (window 3 s).
    r.run(60_000, (now) => now > 10_000 && now <= 15_000);
    // The wait starts again at the first good read (15.1 s): raised 30 s after that.
    expect(raises(r.events)).toEqual(['trapped@45100']);
  });

  it('given the line dead for good, missing data raises only sensor-lost — 10 s after the last good read — and never clears trapped', () => {
    const r = rig();
    r.run(35_000, () => false);
    expect(raises(r.events)).toEqual(['trapped@30100']);
    r.run(30_000, () => true); // last good read at 35 s
    expect(raises(r.events)).toEqual(['trapped@30100', 'sensor-lost@45000']);
    expect(r.events.filter((e) => e.type === 'trapped' && e.phase === 'cleared')).toEqual([]);
  });
});

describe('a held reading is not time the condition was seen', () => {
  it('given a 150 ms alarm tap and the poll after it lost, no alarm press is counted and nobody is reported trapped by it', () => {
    const r = rig();
    // Doors open at a landing, passenger inside: the alarm alone would make it a trapping.
    const tap = (now: number) => ({ doorClosed: false, doorOpen: true, alarmButton: now > 5_000 && now <= 5_200 });
    r.run(8_000, (now) => now === 5_300, tap);
    expect(r.events.filter((e) => e.type === 'alarm-pressed' || e.type === 'trapped')).toEqual([]);
  });

  it('given a one-sample governor-switch glitch and the poll after it lost, no overspeed is raised', () => {
    const r = rig();
    r.run(
      8_000,
      (now) => now === 5_200,
      (now) => ({ overspeedSwitch: now === 5_100 }),
    );
    expect(r.events.filter((e) => e.type === 'overspeed')).toEqual([]);
  });

  it('given the alarm held 300 ms with a lost poll in the middle, the press counts, at the time it was read for 200 ms', () => {
    const r = rig();
    const hold = (now: number) => ({ doorClosed: false, doorOpen: true, alarmButton: now > 5_000 && now <= 5_300 });
    r.run(8_000, (now) => now === 5_200, hold);
    expect(r.events.filter((e) => e.type === 'alarm-pressed').map((e) => e.mono)).toEqual([5_300]);
  });
});
