import { scaledClock, type Clock } from '../core/clock.js';
import type { SimState } from './elevator.js';
import { encodeControllerRegisters } from './modbus-map.js';
import { startModbusTcpServer } from './modbus-tcp-server.js';
import { ScenarioRunner, type Scenario } from './scenario.js';

export interface SimHostOptions {
  scenario: Scenario;
  /** Sim time follows this clock's monotonic time (scaledClock(n) runs n× faster). */
  clock: Clock;
  /** Start the scenario again when it ends. */
  loop?: boolean;
  tickMs?: number;
}

/** Runs a scenario in (scaled) real time: a timer advances the model by the clock's elapsed time. */
export class SimHost {
  private runner: ScenarioRunner;
  private timer?: NodeJS.Timeout;
  private last: number;
  private loops = 0;

  constructor(private readonly o: SimHostOptions) {
    this.runner = new ScenarioRunner(o.scenario);
    this.last = o.clock.now();
  }

  get elevator() {
    return this.runner.elevator;
  }

  get simMs(): number {
    return this.loops * this.o.scenario.durationS * 1000 + this.runner.simMs;
  }

  state(): SimState {
    return this.runner.elevator.state();
  }

  counters(): { trips: number; doorCycles: number } {
    return this.runner.elevator.counters();
  }

  /** Advance to the clock's now; also called on each read so a register read sees current state. */
  sync(): void {
    const now = this.o.clock.now();
    const dt = now - this.last;
    this.last = now;
    // Cap a single catch-up (a paused process) at 10 s of sim time.
    this.runner.advance(Math.min(dt, 10_000));
    if (this.o.loop && this.runner.finished) {
      this.loops++;
      this.runner = new ScenarioRunner(this.o.scenario);
    }
  }

  start(): void {
    this.last = this.o.clock.now();
    this.timer = setInterval(() => this.sync(), this.o.tickMs ?? 10);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface SimModbusTcp {
  host: string;
  port: number;
  sim: SimHost;
  close(): Promise<void>;
}

/** The virtual elevator as a Modbus TCP slave with the generic controller map (boards/sim-modbus.yaml). */
export async function startSimModbusTcp(o: { host: string; port: number; unitId: number; scenario: Scenario; timeScale: number; loop: boolean }): Promise<SimModbusTcp> {
  const sim = new SimHost({ scenario: o.scenario, clock: scaledClock(o.timeScale), loop: o.loop });
  sim.start();
  const server = await startModbusTcpServer({
    host: o.host,
    port: o.port,
    unitId: o.unitId,
    holdingRegisters: () => {
      sim.sync();
      return encodeControllerRegisters(sim.state());
    },
  });
  return {
    host: server.host,
    port: server.port,
    sim,
    async close() {
      sim.stop();
      await server.close();
    },
  };
}
