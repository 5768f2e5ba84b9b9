import { parseScenario, type Scenario, type ScenarioInput } from './scenario.js';

/**
 * Built-in scenarios for a 10-landing residential building (3 m floors, 1.75 m/s), the same
 * building as config/demo.yaml. Times are simulated seconds.
 */
const defs: Record<string, ScenarioInput> = {
  normal: {
    name: 'normal',
    description: 'normal traffic: random calls with passengers, no faults',
    durationS: 3600,
    traffic: { seed: 7, minIdleS: 5, maxIdleS: 40, passengers: true },
  },
  trapped: {
    name: 'trapped',
    description: 'a passenger travels up; the car stalls between floors with doors closed for 60 s, then is released',
    durationS: 100,
    steps: [
      { atS: 0, action: 'board', count: 1 },
      { atS: 0, action: 'call', floor: 7 },
      { atS: 5.5, action: 'stall' },
      { atS: 66, action: 'release' },
      { atS: 95, action: 'alight', count: 1 },
    ],
  },
  'door-open-while-moving': {
    name: 'door-open-while-moving',
    description: 'the car door leaves closed for 1 s while the car travels at rated speed between floors',
    durationS: 40,
    steps: [
      { atS: 0, action: 'call', floor: 9 },
      { atS: 6, action: 'doorOpenWhileMoving', durationMs: 1000 },
    ],
  },
  overspeed: {
    name: 'overspeed',
    description: 'the car reaches 1.3 × rated speed for 2 s during a long trip; the governor switch trips',
    durationS: 40,
    steps: [
      { atS: 0, action: 'call', floor: 9 },
      { atS: 4, action: 'overspeed', factor: 1.3, durationMs: 2000 },
    ],
  },
  'power-loss': {
    name: 'power-loss',
    description: 'mains power fails for 10 s during a trip; the car stops, then continues',
    durationS: 40,
    steps: [
      { atS: 0, action: 'call', floor: 5 },
      { atS: 3.5, action: 'mainsOff' },
      { atS: 13.5, action: 'mainsOn' },
    ],
  },
  demo: {
    name: 'demo',
    description: 'a live-demo mix: trips with passengers, door opening while moving, overspeed, a trapped passenger, a power cut',
    durationS: 175,
    steps: [
      { atS: 0, action: 'board', count: 2 },
      { atS: 0, action: 'call', floor: 6 },
      { atS: 17, action: 'alight', count: 2 },
      { atS: 20, action: 'call', floor: 1 },
      { atS: 27, action: 'doorOpenWhileMoving', durationMs: 1200 },
      { atS: 45, action: 'call', floor: 9 },
      { atS: 50, action: 'overspeed', factor: 1.3, durationMs: 1500 },
      { atS: 72, action: 'board', count: 1 },
      { atS: 73, action: 'call', floor: 3 },
      { atS: 76.5, action: 'stall' },
      { atS: 125, action: 'release' },
      { atS: 135, action: 'alight', count: 1 },
      { atS: 140, action: 'call', floor: 0 },
      { atS: 147, action: 'mainsOff' },
      { atS: 155, action: 'mainsOn' },
    ],
  },
};

export const SCENARIOS: Record<string, { description: string; scenario: Scenario }> = Object.fromEntries(
  Object.entries(defs).map(([name, d]) => {
    const scenario = parseScenario(d, `scenario ${name}`);
    return [name, { description: scenario.description, scenario }];
  }),
);
