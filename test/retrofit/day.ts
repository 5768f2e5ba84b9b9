import { expect } from 'vitest';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { learnShaft, quantiles, runRetrofit, TOWER_CONFIGURED_MM, TOWER_LEVELS_MM, type TimedEvent } from './rig.js';

const HOUR_MS = 3_600_000;
/** One simulated day is run as four quarters, one test file each, so every file stays under a minute on a loaded box. */
const QUARTER_H = 6;

export interface DayFigures {
  stops: number;
  /** Stops before the cold-started gateway had identified the shaft (floor read unknown, never wrong). */
  stopsBeforeIdentified: number;
  identifiedAfterS: number | undefined;
  wrongFloor: number;
  stopErrorsMm: number[];
  /** The fused levelling error at each stop against the car's true offset from its landing (the vane edges' accuracy). */
  levelingErrorsMm: number[];
  movingErrorsMm: number[];
  speedErrorsMps: number[];
  events: TimedEvent[];
}

/**
 * A quarter of a day of normal traffic on the 20-storey tower, through the whole retrofit path,
 * the day's weather (−5 hPa and the tide), the shaft warming and cooling, and the stack effect
 * changing with the outdoor temperature — against a shaft learned at midnight. The gateway starts
 * cold at the start of the quarter, as after a power cut.
 */
export async function runQuarter(quarter: number, board: 'retrofit-pi-i2c-sensorbox' | 'retrofit-firmata-sensorbox' = 'retrofit-pi-i2c-sensorbox'): Promise<DayFigures> {
  const learned = await learnShaft({ board, levelsMm: TOWER_LEVELS_MM, configuredMm: TOWER_CONFIGURED_MM });
  const floorsMm = learned.landings.map((l) => l.levelMm);
  const scenario = parseSimScenario({
    name: `day-q${quarter}`,
    durationS: QUARTER_H * 3600,
    elevator: { floorLevelsMm: TOWER_LEVELS_MM, ratedSpeedMps: 1.75 },
    traffic: { seed: 100 + quarter, minIdleS: 5, maxIdleS: 90, boardProbability: 0.6 },
  });
  const f: DayFigures = {
    stops: 0,
    stopsBeforeIdentified: 0,
    identifiedAfterS: undefined,
    wrongFloor: 0,
    stopErrorsMm: [],
    levelingErrorsMm: [],
    movingErrorsMm: [],
    speedErrorsMps: [],
    events: [],
  };
  let wasOpen = false;
  const { events } = await runRetrofit({
    board,
    scenario,
    floorsMm,
    shaft: learned.shaft,
    i2cFailRate: 0.002,
    box: { environment: { startOfDayMs: quarter * QUARTER_H * HOUR_MS } },
    onPoll: ({ tMs, signals, rig }) => {
      const s = rig.runner.elevator.state();
      const pos = signals.positionMm;
      if (f.identifiedAfterS === undefined && pos?.quality === 'good') f.identifiedAfterS = tMs / 1000;
      // A stop: the doors just reached fully open, the car re-anchored on its way in.
      if (s.doorOpen && !wasOpen) {
        f.stops++;
        const floor = signals.floor;
        if (floor?.quality !== 'good') f.stopsBeforeIdentified++;
        else {
          if (floor.value !== s.controllerFloor) f.wrongFloor++;
          f.stopErrorsMm.push(Math.abs(pos!.value - s.positionMm));
          const lev = signals.levelingErrorMm;
          if (lev?.quality === 'good') f.levelingErrorsMm.push(Math.abs(lev.value - (s.positionMm - TOWER_LEVELS_MM[s.controllerFloor]!)));
        }
      }
      wasOpen = s.doorOpen;
      if (pos?.quality === 'good' && s.speedMps !== 0) f.movingErrorsMm.push(Math.abs(pos.value - s.positionMm));
      const v = signals.speedMps;
      if (v?.quality === 'good' && Math.abs(s.speedMps) >= 0.95 * 1.75) f.speedErrorsMps.push(Math.abs(v.value - s.speedMps));
    },
  });
  f.events = events;
  return f;
}

/** Prints the distributions and holds the quarter to the acceptance figures. */
export function expectAcceptance(quarter: number, f: DayFigures): void {
  const from = quarter * QUARTER_H;
  console.log(
    [
      `day ${String(from).padStart(2, '0')}:00–${String(from + QUARTER_H).padStart(2, '0')}:00 — ${f.stops} stops, identified after ${f.identifiedAfterS?.toFixed(0)} s (${f.stopsBeforeIdentified} stops read floor unknown before), wrong floor at ${f.wrongFloor}`,
      `  position error at stops, mm:          ${quantiles(f.stopErrorsMm)}`,
      `  levelling error at stops, mm:         ${quantiles(f.levelingErrorsMm)}`,
      `  position error while moving, mm:      ${quantiles(f.movingErrorsMm)}`,
      `  speed error at rated speed, mm/s:     ${quantiles(f.speedErrorsMps.map((v) => v * 1000))}`,
      `  events: ${f.events.length === 0 ? 'none' : f.events.map((e) => `${e.atS}s ${e.type} ${e.phase}`).join(', ')}`,
    ].join('\n'),
  );
  expect(f.stops).toBeGreaterThan(200);
  expect(f.wrongFloor).toBe(0);
  expect(f.identifiedAfterS).toBeDefined();
  expect(f.identifiedAfterS!).toBeLessThan(3600);
  expect(Math.max(...f.stopErrorsMm)).toBeLessThanOrEqual(50);
  expect(Math.max(...f.movingErrorsMm)).toBeLessThanOrEqual(300);
  expect(Math.max(...f.speedErrorsMps)).toBeLessThanOrEqual(0.1);
  expect(f.events.map((e) => `${e.type} ${e.phase}`)).toEqual([]);
}
