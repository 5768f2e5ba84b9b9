import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import { RetrofitDriver } from '../../drivers/retrofit/driver.js';
import type { RetrofitBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { FUSED_SIGNALS, fusedInputsOf, fusedSignalsFor } from '../../src/signals/fusion/fused-signals.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';
import { ScenarioRunner } from '../../src/sim/runner.js';
import { SimRetrofitBoard } from '../../src/sim/retrofit-board.js';
import { parseSimScenario } from '../../src/sim/scenario.js';

/**
 * A retrofit sensor box in the normalizer: its position and speed come from the fusion of its
 * accelerometer, barometer and Hall sensors (src/signals/fusion), fed with every good reading of
 * every poll. In sample time: the simulator's raw sensors → the real RetrofitDriver → the
 * normalizer, beside a fusion fed the same polls straight.
 */
const floorsMm = [0, 3000, 6000, 9000];
const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'retrofit-pi-i2c-sensorbox.yaml'), 'retrofit-i2c') as RetrofitBoardProfile;
const sim = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'));

/**
 * Rides from the ground floor to the top and down to floor 2, and their polls as the driver read
 * them: after a cold start the fusion knows its landing once the car has seen the whole shaft.
 */
async function ridePolls(): Promise<RawPoint[][]> {
  const scenario = parseSimScenario({
    name: 'ride',
    durationS: 50,
    elevator: { floorLevelsMm: floorsMm },
    steps: [
      { atS: 2, action: 'call', floor: 3 },
      { atS: 25, action: 'call', floor: 2 },
    ],
  });
  const clock = new FakeClock(0);
  const rig = new SimRetrofitBoard({ board, runner: new ScenarioRunner(scenario), clock, i2cFailRate: 0, via: 'io' });
  const driver = new RetrofitDriver({ board, connect: rig.connect, clock, logger: silentLogger });
  await driver.open();
  const group = board.pollGroups[0]!;
  const polls: RawPoint[][] = [];
  for (let t = 0; t < 50_000; t += group.intervalMs) {
    rig.advance(group.intervalMs);
    clock.advance(group.intervalMs);
    polls.push(await driver.poll(group.name));
  }
  await driver.close();
  return polls;
}

describe('the normalizer of a retrofit sensor box', () => {
  it('takes position, floor, levelling error, speed and direction from the fusion; a controller board takes none', () => {
    const n = new SignalNormalizer(board, { floorLevelsMm: floorsMm, stationaryMps: 0.05, staleAfterMs: 3000 });
    expect(n.fused()).toEqual(new Set(FUSED_SIGNALS));
    expect([...n.available()]).toEqual(expect.arrayContaining(['positionMm', 'floor', 'levelingErrorMm', 'speedMps', 'direction']));
    expect(new SignalNormalizer(sim, { floorLevelsMm: floorsMm, stationaryMps: 0.05, staleAfterMs: 3000 }).fused()).toEqual(new Set());
  });

  it('hands the fusion every poll’s readings: the rides read as the fusion reads them, and end at floor 2', async () => {
    const polls = await ridePolls();
    const n = new SignalNormalizer(board, { floorLevelsMm: floorsMm, stationaryMps: 0.05, staleAfterMs: 8000 });
    const ref = fusedSignalsFor(board, { floorLevelsMm: floorsMm, staleAfterMs: 8000 })!;
    let fastest = 0;
    for (const [i, points] of polls.entries()) {
      const now = points[0]!.at;
      // Every 50th poll fails as a whole (an I²C bus error): nothing of it reaches the fusion.
      n.update(i % 50 === 25 ? points.map((p) => ({ ...p, quality: 'bad' as const })) : points);
      if (i % 50 === 25) continue;
      ref.update(fusedInputsOf(board, points));
      const s = n.snapshot(now);
      expect(s.positionMm).toEqual(ref.position(now));
      expect(s.speedMps).toEqual(ref.speed(now));
      expect(s.levelingErrorMm).toEqual(ref.levelingError(now));
      fastest = Math.max(fastest, s.speedMps!.value);
    }
    const end = n.snapshot(polls.at(-1)![0]!.at);
    expect(fastest).toBeGreaterThan(0.5);
    expect(end.floor).toMatchObject({ value: 2, quality: 'good' });
    expect(Math.abs(end.positionMm!.value - 6000)).toBeLessThan(50);
    expect(end.direction?.value).toBe('none');
    // The box falls silent: the board's staleness window (here 8 s) is the fusion's.
    const last = polls.at(-1)![0]!.at;
    for (const after of [3500, 8100]) {
      expect(n.snapshot(last + after).speedMps).toEqual(ref.speed(last + after));
      expect(n.snapshot(last + after).positionMm).toEqual(ref.position(last + after));
    }
    expect(n.snapshot(last + 3500).positionMm?.quality).toBe('good');
    expect(n.snapshot(last + 8100).positionMm?.quality).toBe('bad');
  });
});
