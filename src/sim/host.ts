import { scaledClock, type Clock, type Timer } from '../core/clock.js';
import type { VirtualElevator } from './elevator.js';
import { encodeControllerRegisters, encodeDiscreteInputs } from './modbus-map.js';
import { startModbusTcpServer } from './modbus-tcp-server.js';
import { ScenarioRunner } from './runner.js';
import type { SimScenario } from './scenario.js';
import type { SimCounters, SimState } from './state.js';

export interface SimHostOptions {
  scenario: SimScenario;
  /** Simulated time follows this clock's monotonic time: scaledClock(10) runs the building 10× faster. */
  clock: Clock;
  /** Replay the scenario when it ends (on the same elevator, so nothing jumps). */
  loop?: boolean;
  /** Milliseconds of the host's clock between ticks (default 10): simulated time, so a scaled clock ticks `scale` times as often per real second unless the caller scales this too. */
  tickMs?: number;
  /** An elevator to drive instead of a new one built from the scenario. */
  elevator?: VirtualElevator;
}

/** A paused process (a debugger, a suspended laptop) catches up at most this much simulated time. */
const MAX_CATCH_UP_MS = 60_000;

/**
 * Runs a VirtualElevator and its scenario in (scaled) real time: each tick advances the
 * simulation by the clock time elapsed since the last one. Without `loop`, the elevator keeps
 * running idle after the scenario ends.
 */
export class SimHost {
  /** Called after every advance with the new state. */
  onStep?: (state: SimState) => void;
  readonly runner: ScenarioRunner;
  private last: number;
  private timer: Timer | undefined;

  constructor(private readonly o: SimHostOptions) {
    this.runner = new ScenarioRunner(o.scenario, o.elevator);
    this.last = o.clock.now();
  }

  get elevator(): VirtualElevator {
    return this.runner.elevator;
  }

  /** Simulated ms since the host was created (across loops). */
  get simMs(): number {
    return this.runner.elevator.simMs;
  }

  state(): SimState {
    return this.runner.elevator.state();
  }

  counters(): SimCounters {
    return this.runner.elevator.counters();
  }

  /** Advances to the clock's now. Ticks call it; so does every register read, so a read sees current state. */
  sync(): void {
    const now = this.o.clock.now();
    let dt = Math.min(now - this.last, MAX_CATCH_UP_MS);
    this.last = now;
    if (!(dt > 0)) return;
    while (dt > 0) {
      if (this.o.loop && this.runner.finished) this.runner.restart();
      const toEnd = this.runner.scenario.durationS * 1000 - this.runner.scenarioMs;
      const piece = this.o.loop ? Math.min(dt, toEnd) : dt;
      this.runner.advance(piece);
      dt -= piece;
    }
    if (this.o.loop && this.runner.finished) this.runner.restart();
    this.onStep?.(this.state());
  }

  /** Ticks on the host's clock every `tickMs` of its (simulated) time. */
  start(): void {
    if (this.timer) return;
    this.last = this.o.clock.now();
    const tick = () => {
      this.sync();
      this.timer = this.o.clock.after(this.o.tickMs ?? 10, tick);
    };
    this.timer = this.o.clock.after(this.o.tickMs ?? 10, tick);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}

export interface SimModbusTcpOptions {
  host: string;
  /** 0 = a free port; the bound port is returned. */
  port: number;
  unitId: number;
  scenario: SimScenario;
  /** Simulated time runs this many times faster than real time. */
  timeScale: number;
  loop: boolean;
  /** Overrides `timeScale` (tests drive a FakeClock). */
  clock?: Clock;
}

export interface SimModbusTcp {
  host: string;
  port: number;
  sim: SimHost;
  close(): Promise<void>;
}

/**
 * Runs a SimHost and a server over its state; the server reads `current()` (the sim brought up to
 * the clock's now) on every request. Stops the sim if the server cannot start. Every way of
 * serving the simulator (Modbus TCP, RTU, a DI module, a serial sensor box) goes through here.
 */
export async function serveSim<S extends { close(): Promise<void> }>(
  o: { scenario: SimScenario; timeScale: number; loop: boolean; clock?: Clock },
  startServer: (current: () => SimState) => Promise<S>,
): Promise<{ sim: SimHost; server: S; close(): Promise<void> }> {
  const sim = new SimHost({ scenario: o.scenario, clock: o.clock ?? scaledClock(o.timeScale), loop: o.loop });
  const current = (): SimState => {
    sim.sync();
    return sim.state();
  };
  sim.start();
  try {
    const server = await startServer(current);
    return {
      sim,
      server,
      async close() {
        sim.stop();
        await server.close();
      },
    };
  } catch (e) {
    sim.stop();
    throw e;
  }
}

/**
 * The virtual elevator as a Modbus TCP slave serving the generic-modbus-controller map
 * (boards/sim-modbus.yaml) as holding and input registers, and the status bits as discrete inputs.
 * This is what `elevgw sim --modbus-tcp` and `elevgw demo` run.
 */
export async function startSimModbusTcp(o: SimModbusTcpOptions): Promise<SimModbusTcp> {
  const { sim, server, close } = await serveSim(o, (current) =>
    startModbusTcpServer({
      host: o.host,
      port: o.port,
      unitId: o.unitId,
      readRegisters: () => encodeControllerRegisters(current()),
      readDiscreteInputs: () => encodeDiscreteInputs(current()),
    }),
  );
  return { host: server.host, port: server.port, sim, close };
}
