import { afterEach, describe, expect, it, vi } from 'vitest';
import ModbusSerial from 'modbus-serial';
import { FakeClock } from '../../src/core/clock.js';
import { SimHost, startSimModbusTcp, type SimModbusTcp } from '../../src/sim/host.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import type { SimState } from '../../src/sim/elevator.js';

const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

const shortTrip = parseSimScenario({
  name: 'short',
  durationS: 30,
  steps: [
    { atS: 0, action: 'call', floor: 1 },
    { atS: 15, action: 'call', floor: 0 },
  ],
});

describe('SimHost', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('advances simulated time by the clock time elapsed', () => {
    const clock = new FakeClock();
    const host = new SimHost({ scenario: SCENARIOS.trapped!.scenario, clock });
    const seen: SimState[] = [];
    host.onStep = (s) => seen.push(s);
    clock.advance(5_000);
    host.sync();
    expect(host.simMs).toBe(5_000);
    expect(host.state().passengers).toBe(1);
    expect(host.state().speedMps).toBeGreaterThan(1);
    clock.advance(60_000);
    host.sync();
    expect(host.simMs).toBe(65_000);
    expect(host.state().speedMps).toBe(0);
    expect(seen.map((s) => s.simMs)).toEqual([5_000, 65_000]);
    expect(host.counters().trips).toBe(1);
  });

  it('ticks on its own timer once started, and stops', () => {
    vi.useFakeTimers();
    const clock = new FakeClock();
    const host = new SimHost({ scenario: shortTrip, clock, tickMs: 10 });
    host.start();
    clock.advance(2_000);
    vi.advanceTimersByTime(10);
    expect(host.simMs).toBe(2_000);
    host.stop();
    clock.advance(2_000);
    vi.advanceTimersByTime(100);
    expect(host.simMs).toBe(2_000);
  });

  it('with loop, replays the scenario on the same elevator; without, keeps the elevator running idle', () => {
    const clock = new FakeClock();
    const looped = new SimHost({ scenario: shortTrip, clock, loop: true });
    const once = new SimHost({ scenario: shortTrip, clock });
    for (let i = 0; i < 100; i++) {
      clock.advance(1_000);
      looped.sync();
      once.sync();
    }
    expect(looped.simMs).toBe(100_000);
    expect(looped.counters()).toEqual({ trips: 7, doorCycles: 6 }); // 3 × (up, down) and, in the fourth round, up with the doors still busy
    expect(once.counters()).toEqual({ trips: 2, doorCycles: 2 });
    expect(once.state().heartbeat).toBe(100);
  });
});

describe('startSimModbusTcp', () => {
  let sim: SimModbusTcp | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    const c = client;
    client = undefined;
    if (c) await new Promise<void>((resolve) => c.close(() => resolve()));
    await sim?.close();
    sim = undefined;
  });

  it('serves the running scenario to a modbus-serial client; each read sees the current simulated state', async () => {
    const clock = new FakeClock();
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS['power-loss']!.scenario, timeScale: 1, loop: false, clock });
    expect(sim.host).toBe('127.0.0.1');
    client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: sim.port });
    client.setID(1);
    client.setTimeout(2000);

    const atRest = (await client.readHoldingRegisters(0, 7)).data;
    expect(atRest).toEqual(encodeControllerRegisters(sim.sim.state()));
    expect(atRest.slice(0, 3)).toEqual([0, 0, 0]);

    clock.advance(8_000); // mains cut at 5 s: the car stands between floors 2 and 3
    const cut = (await client.readHoldingRegisters(0, 7)).data;
    expect(cut).toEqual(encodeControllerRegisters(sim.sim.state()));
    const pos = (cut[0]! << 16) | cut[1]!;
    expect(pos).toBeGreaterThan(6_150);
    expect(pos).toBeLessThan(8_850);
    expect(cut[2]).toBe(0);
    expect((cut[3]! >> 9) & 1).toBe(0); // mains power bit
    expect(cut[5]).toBe(8); // heartbeat

    const discretes = (await client.readDiscreteInputs(0, 12)).data.slice(0, 12);
    expect(discretes[0]).toBe(true); // door closed
    expect(discretes[9]).toBe(false); // mains power
    await expect(client.readHoldingRegisters(0, 8)).rejects.toMatchObject({ modbusCode: 2 });
  });
});
