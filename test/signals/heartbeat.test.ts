import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import { boardSchema, type ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';

const generic = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml')) as ModbusBoardProfile;
const FLOORS = [0, 3000, 6000, 9000];
const SAMPLE_MS = 100;

/** A controller at floor 2, doors closed, idle; `heartbeat` as the test says. Reads always succeed. */
function controllerPoints(at: number, heartbeat: number): RawPoint[] {
  const values: Record<string, number | boolean> = {
    position: 6000,
    speed: 0,
    doorClosed: true,
    doorOpen: false,
    doorZone: true,
    safetyCircuit: true,
    doorLockCircuit: true,
    overspeedSwitch: false,
    inspection: false,
    alarmButton: false,
    occupied: false,
    mainsPower: true,
    topFinalLimit: false,
    bottomFinalLimit: false,
    floor: 2,
    heartbeat,
  };
  return Object.entries(values).map(([point, value]) => ({ point, value, at, quality: 'good' }));
}

/** The monitor's loop on fake time: poll → normalizer → rules, every 100 ms. */
function rig(board: ModbusBoardProfile) {
  const clock = new FakeClock();
  const pipeline = new ElevatorPipeline(board, {
    elevatorId: 'E1',
    thresholds: defaultThresholds,
    ratedSpeedMps: 1,
    floors: FLOORS.map((levelMm, i) => ({ label: String(i), levelMm })),
  });
  const normalizer = pipeline.normalizer;
  const events: DetectedEvent[] = [];
  return {
    clock,
    normalizer,
    events,
    /** Runs `ms` of polls with the heartbeat given by `beat(now)`. */
    run(ms: number, beat: (now: number) => number) {
      for (let t = 0; t < ms; t += SAMPLE_MS) {
        clock.advance(SAMPLE_MS);
        const now = clock.now();
        pipeline.update(controllerPoints(now, beat(now)));
        events.push(...pipeline.step(now).events.filter((e) => e.type === 'sensor-lost'));
      }
    },
  };
}

const ticking = (now: number) => Math.floor(now / 1000) & 0xffff;

describe('frozen controller (heartbeat stops while the slave still answers)', () => {
  it('given a heartbeat frozen at 5 s, signals read bad from 15 s and sensor-lost is raised then, not a hold later; cleared once it ticks again', () => {
    const r = rig(generic);
    r.run(5_000, ticking);
    const frozenAt = r.clock.now();
    const frozenValue = ticking(frozenAt);
    r.run(9_900, () => frozenValue);
    expect(r.normalizer.snapshot(r.clock.now()).door?.quality).toBe('good');
    r.run(100, () => frozenValue);
    const s = r.normalizer.snapshot(r.clock.now());
    expect(r.normalizer.heartbeatFrozen(r.clock.now())).toBe(true);
    expect([s.door?.quality, s.positionMm?.quality, s.safetyCircuit?.quality, s.controllerFloor?.quality]).toEqual(['bad', 'bad', 'bad', 'bad']);
    r.run(15_000, () => frozenValue);
    const raised = r.events.find((e) => e.phase === 'raised');
    // A frozen heartbeat is itself the proof the controller is gone: the data count as unread
    // since the last change, so sensor-lost comes frozenAfterMs (10 s) after it, within one poll.
    expect(raised!.mono - frozenAt).toBeGreaterThanOrEqual(10_000);
    expect(raised!.mono - frozenAt).toBeLessThanOrEqual(10_000 + SAMPLE_MS);
    expect(raised!.data).toMatchObject({ unreadS: 10 });
    const resumedAt = r.clock.now();
    r.run(3_000, ticking);
    const cleared = r.events.find((e) => e.phase === 'cleared');
    expect(cleared!.mono - resumedAt).toBeLessThanOrEqual(defaultThresholds.clearHoldMs + 1000 + SAMPLE_MS);
  });

  it('follows the board profile: heartbeat.frozenAfterMs 3000 marks the data bad after 3 s', () => {
    const r = rig({ ...generic, heartbeat: { frozenAfterMs: 3000 } });
    r.run(3_000, () => 7); // first read at 100 ms
    expect(r.normalizer.snapshot(r.clock.now()).door?.quality).toBe('good');
    r.run(100, () => 7);
    expect(r.normalizer.snapshot(r.clock.now()).door?.quality).toBe('bad');
  });

  it('with frozenAfterMs shorter than the sensor-lost hold, sensor-lost comes a hold after the last change, not a hold after the freeze', () => {
    const r = rig({ ...generic, heartbeat: { frozenAfterMs: 3000 } });
    r.run(5_000, ticking);
    const frozenAt = r.clock.now();
    const frozenValue = ticking(frozenAt);
    r.run(15_000, () => frozenValue);
    const raised = r.events.find((e) => e.phase === 'raised');
    expect(raised!.mono - frozenAt).toBeGreaterThanOrEqual(defaultThresholds.sensorLost.holdS * 1000);
    expect(raised!.mono - frozenAt).toBeLessThanOrEqual(defaultThresholds.sensorLost.holdS * 1000 + SAMPLE_MS);
  });

  it('a counter that wraps from 65535 to 0 is a change, not a freeze', () => {
    const r = rig(generic);
    r.run(30_000, (now) => (65_530 + Math.floor(now / 1000)) & 0xffff);
    expect(r.events).toEqual([]);
  });

  it('a board without a heartbeat point never freezes', () => {
    const noBeat = boardSchema().parse({ ...generic, points: generic.points.filter((p) => p.signal !== 'heartbeat') }) as ModbusBoardProfile;
    const r = rig(noBeat);
    r.run(30_000, () => 1);
    expect(r.normalizer.heartbeatFrozen(r.clock.now())).toBe(false);
    expect(r.events).toEqual([]);
  });
});
