import { describe, expect, it } from 'vitest';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { parseSimScenario, type SimScenario } from '../../src/sim/scenario.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { runControllerMap, runRetrofit, type TimedEvent } from './rig.js';

/**
 * The faults a retrofit box must see as a controller interface would: the same scenario on the
 * same car, once through the controller map (sim-modbus: position, speed and zones read from
 * registers) and once through each retrofit profile (raw sensors → driver → fusion), the rules'
 * holds unchanged. Raised within a few polls of each other; the fused speed's overspeed margin
 * (0.1 m/s) is the one documented difference.
 */
/** The scenario after the car has stood 10 s at the bottom: a gateway learns its accelerometer's bias standing still. */
function warmed(scenario: SimScenario): SimScenario {
  return parseSimScenario({ ...scenario, name: `${scenario.name}-warmed`, durationS: scenario.durationS + 10, steps: scenario.steps.map((st) => ({ ...st, atS: st.atS + 10 })) });
}

const raised = (events: TimedEvent[], type: string) => events.find((e) => e.type === type && e.phase === 'raised');

const faults = (events: TimedEvent[]) => [...new Set(events.filter((e) => e.phase === 'raised' && e.type !== 'blackbox').map((e) => e.type))].sort();

async function compare(type: string, o: { scenario: ReturnType<typeof parseSimScenario>; elevator?: () => VirtualElevator }, toleranceS = 0.35) {
  const controllerEvents = await runControllerMap({ scenario: o.scenario, ...(o.elevator ? { elevator: o.elevator() } : {}) });
  const controller = raised(controllerEvents, type);
  expect(controller, `the controller map raises ${type}`).toBeDefined();
  for (const board of ['retrofit-pi-i2c-sensorbox', 'retrofit-firmata-sensorbox'] as const) {
    const { events } = await runRetrofit({ board, scenario: o.scenario, ...(o.elevator ? { elevator: o.elevator() } : {}), via: 'johnny-five' });
    const retrofit = raised(events, type);
    console.log(`${type}: controller map ${controller!.atS} s, ${board} ${retrofit?.atS} s`);
    expect(retrofit, `${board} raises ${type}`).toBeDefined();
    expect(Math.abs(retrofit!.atS - controller!.atS)).toBeLessThanOrEqual(toleranceS);
    // Nothing raised on a fused value that the controller map did not raise too.
    expect(faults(events).filter((t) => !faults(controllerEvents).includes(t))).toEqual([]);
  }
}

describe('faults on a retrofit box raise with the timing of a controller map', () => {
  it('a car stalled between floors with a passenger: trapped after 30 s', async () => {
    await compare('trapped', { scenario: warmed(SCENARIOS.trapped!.scenario) });
  });

  it('an overspeed run at 1.3 × rated speed', async () => {
    await compare('overspeed', { scenario: warmed(SCENARIOS.overspeed!.scenario) });
  });

  it('a stop outside the door zone (mains lost mid-trip)', async () => {
    await compare('stopped-outside-zone', { scenario: warmed(SCENARIOS['power-loss']!.scenario) });
  });

  it('an overtravel at the top: the car runs 300 mm past the top landing', async () => {
    const scenario = parseSimScenario({ name: 'overtravel-top', durationS: 40, steps: [{ atS: 5, action: 'call', floor: 9 }] });
    await compare('overtravel-top', { scenario, elevator: () => new VirtualElevator({ landingErrorMm: 300 }) });
  });
});
