import { parseSimScenario, type SimScenario, type SimScenarioInput } from './scenario.js';

/**
 * Built-in scenarios for the default building (src/sim/model.ts: 10 landings 3 m apart,
 * 1.75 m/s — config/demo.yaml). Times are simulated seconds. Every scripted scenario ends with
 * the car idle at the bottom landing, doors closed, nobody inside and no fault active, so it
 * can loop without a jump.
 *
 * Trip times: a full 27 m trip takes ≈ 17.6 s (≈ 2.2 s ramps at 0.8 m/s², cruise 1.75 m/s);
 * a stop keeps the doors busy 9.5 s (2.5 s opening, 4 s dwell, 3 s closing).
 */
const defs: SimScenarioInput[] = [
  {
    name: 'normal',
    description: 'normal traffic: random calls, passengers riding to random floors, no faults',
    durationS: 600,
    traffic: { seed: 7, minIdleS: 5, maxIdleS: 40, boardProbability: 0.6 },
  },
  {
    name: 'trapped',
    description: 'a passenger rides up; the car stalls between floors with the doors closed for ~69 s, then is released and delivers them',
    durationS: 125,
    steps: [
      { atS: 0, action: 'board', count: 1 },
      { atS: 0, action: 'call', floor: 7 },
      { atS: 5.5, action: 'stall' }, // at ≈ 7.7 m, rest at ≈ 8.5 m (between floors 2 and 3)
      { atS: 75, action: 'release' },
      { atS: 90, action: 'alight', count: 1 }, // doors open at floor 7 from ≈ 87 s
      { atS: 95, action: 'call', floor: 0 },
    ],
  },
  {
    name: 'door-open-while-moving',
    description: 'the car door leaves closed for 1 s while the car travels at rated speed between floors',
    durationS: 60,
    steps: [
      { atS: 0, action: 'call', floor: 9 },
      { atS: 6.4, action: 'doorOpenWhileMoving', durationMs: 1000 }, // cruising at 1.75 m/s from ≈ 9.3 m to ≈ 11 m, clear of the zones
      { atS: 30, action: 'call', floor: 0 },
    ],
  },
  {
    name: 'overspeed',
    description: 'during a long trip the car reaches 1.3 × rated speed for about a second; the governor switch trips',
    durationS: 60,
    steps: [
      { atS: 0, action: 'call', floor: 9 },
      { atS: 5, action: 'overspeed', factor: 1.3, durationMs: 1200 },
      { atS: 30, action: 'call', floor: 0 },
    ],
  },
  {
    name: 'power-loss',
    description: 'mains fails for 10 s during a trip: the car stops between floors, then continues when power returns',
    durationS: 60,
    steps: [
      { atS: 0, action: 'call', floor: 5 },
      { atS: 5, action: 'mainsOff' }, // at ≈ 6.8 m, rest at ≈ 7.6 m, between floors 2 and 3
      { atS: 15, action: 'mainsOn' },
      { atS: 30, action: 'call', floor: 0 },
    ],
  },
  {
    name: 'demo',
    description: 'a 3-minute live-demo loop: trips with passengers, door open while moving, overspeed, a trapped passenger (45 s), a power cut',
    durationS: 180,
    steps: [
      // normal trips with passengers
      { atS: 0, action: 'board', count: 2 },
      { atS: 0, action: 'call', floor: 6 }, // doors open ≈ 15 s
      { atS: 16, action: 'alight', count: 2 },
      { atS: 22, action: 'call', floor: 1 },
      // door leaves closed while cruising down
      { atS: 26.7, action: 'doorOpenWhileMoving', durationMs: 1000 }, // from ≈ 11.7 m to ≈ 9.9 m; doors open at floor 1 ≈ 35 s
      { atS: 36, action: 'board', count: 1 },
      { atS: 43, action: 'call', floor: 9 },
      // overspeed while cruising up
      { atS: 48, action: 'overspeed', factor: 1.3, durationMs: 1200 }, // doors open at floor 9 ≈ 61 s
      { atS: 62, action: 'alight', count: 1 },
      { atS: 63, action: 'board', count: 1 },
      { atS: 69, action: 'call', floor: 4 },
      // trapped: stalls at ≈ 73 s near 22 m, released at 118 s
      { atS: 72.5, action: 'stall' },
      { atS: 118, action: 'release' }, // doors open at floor 4 ≈ 128 s
      { atS: 130, action: 'alight', count: 1 },
      { atS: 136, action: 'call', floor: 0 },
      // power cut while cruising down, 10 s
      { atS: 139, action: 'mainsOff' },
      { atS: 149, action: 'mainsOn' }, // back at the bottom landing, doors closed by ≈ 166 s
    ],
  },
];

export interface BuiltinScenario {
  description: string;
  scenario: SimScenario;
}

export const SCENARIOS: Record<string, BuiltinScenario> = Object.fromEntries(
  defs.map((d) => {
    const scenario = parseSimScenario(d, `built-in scenario ${d.name}`);
    return [scenario.name, { description: scenario.description, scenario }];
  }),
);
