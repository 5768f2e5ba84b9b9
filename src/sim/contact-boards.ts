import { MockFirmataIo } from '../../drivers/firmata/mock-io.js';
import type { FirmataConnector } from '../../drivers/firmata/io.js';
import { FakeGpioLines } from '../../drivers/gpio/fake-lines.js';
import type { Level } from '../../drivers/gpio/lines.js';
import type { FirmataBoardProfile, GpioBoardProfile, RawSignal } from '../config/board.js';
import { scaledClock, type Clock } from '../core/clock.js';
import { ElevgwError } from '../core/errors.js';
import { SimHost } from './host.js';
import type { SimScenario } from './scenario.js';
import type { SimState } from './state.js';

/**
 * The virtual elevator wired to a contact board — the gateway's GPIO header (transport `gpio`) or
 * an Arduino running StandardFirmata (transport `firmata`) — through that board's profile: each
 * point's signal is read from the simulator's state and turned into the electrical level its
 * wiring gives (`invert`, `activeLow`), so the driver and the normalizer must turn it back.
 * `FakeGpioLines` and `MockFirmataIo` stand in for the hardware; the gateway gets them through
 * its `driverFor` seam.
 */

const DOOR_STATE_CODE = { closed: 0, opening: 1, open: 2, closing: 3 } as const;

/** What a sensor or controller wired to each raw signal reports for a simulator state. */
const SIM_SIGNALS: Record<RawSignal, (s: SimState) => boolean | number> = {
  positionMm: (s) => s.positionMm,
  speedMps: (s) => s.speedMps,
  doorClosed: (s) => s.doorClosed,
  doorOpen: (s) => s.doorOpen,
  doorState: (s) => DOOR_STATE_CODE[s.door],
  doorZone: (s) => s.doorZoneUpper && s.doorZoneLower,
  doorZoneUpper: (s) => s.doorZoneUpper,
  doorZoneLower: (s) => s.doorZoneLower,
  safetyCircuit: (s) => s.safetyCircuit,
  doorLockCircuit: (s) => s.doorLockCircuit,
  overspeedSwitch: (s) => s.overspeedSwitch,
  occupied: (s) => s.occupied,
  inspection: (s) => s.inspection,
  alarmButton: (s) => s.alarmButton,
  mainsPower: (s) => s.mainsPower,
  topFinalLimit: (s) => s.topFinalLimit,
  bottomFinalLimit: (s) => s.bottomFinalLimit,
  controllerFloor: (s) => s.controllerFloor,
  heartbeat: (s) => s.heartbeat,
  // A retrofit box's own sensors are served at register level (src/sim/raw-sensors); a contact
  // board wired to them would read a car standing still in still air.
  accelVerticalMps2: () => 9.80665,
  pressurePa: () => 101_325,
  sensorTempC: () => 20,
};

function simSignalValue(s: SimState, signal: RawSignal): boolean | number {
  return SIM_SIGNALS[signal](s);
}

/** The condition a contact point reports (false for a point wired to no signal), before the profile's `invert`. */
export function contactValue(board: { id: string }, p: { name: string; signal?: RawSignal | undefined; invert: boolean }, s: SimState): boolean {
  if (!p.signal) return false;
  const v = simSignalValue(s, p.signal);
  if (typeof v !== 'boolean') throw new ElevgwError('BOARD_INVALID', `board "${board.id}" point "${p.name}": a contact cannot carry the numeric signal ${p.signal}`);
  return v !== p.invert; // the normalizer inverts it back
}

/**
 * The level of each GPIO line: the contact's condition, through `invert` (normalizer) and
 * `activeLow` (driver). A line shared by several points takes its first point's level.
 */
function gpioLineLevels(board: GpioBoardProfile, s: SimState): Map<number, Level> {
  const levels = new Map<number, Level>();
  for (const p of board.points) {
    if (levels.has(p.source.line)) continue;
    levels.set(p.source.line, contactValue(board, p, s) !== p.source.activeLow ? 1 : 0);
  }
  return levels;
}

interface FirmataPinValues {
  /** Digital pin → level (the driver reads HIGH as true; the profile's `invert` handles pull-ups). */
  digital: Map<number, 0 | 1>;
  /** Analog channel → 10-bit sample (0–1023): (value − offset) / scale. */
  analog: Map<number, number>;
}

/** What each pin of a Firmata board reads; analog channels wired to no signal read `unwired[point]` (raw, default 0). */
function firmataPinValues(board: FirmataBoardProfile, s: SimState, unwired: Record<string, number> = {}): FirmataPinValues {
  const out: FirmataPinValues = { digital: new Map(), analog: new Map() };
  for (const p of board.points) {
    if (p.source.mode === 'digital') {
      if (!out.digital.has(p.source.pin)) out.digital.set(p.source.pin, contactValue(board, p, s) ? 1 : 0);
      continue;
    }
    if (out.analog.has(p.source.pin)) continue;
    let raw = unwired[p.name] ?? 0;
    if (p.signal) {
      const v = simSignalValue(s, p.signal);
      if (typeof v !== 'number') throw new ElevgwError('BOARD_INVALID', `board "${board.id}" point "${p.name}": an analog channel cannot carry the contact ${p.signal}`);
      raw = (v - p.offset) / p.scale;
    }
    out.analog.set(p.source.pin, Math.min(1023, Math.max(0, Math.round(raw))));
  }
  return out;
}

export interface SimContactBoardOptions {
  scenario: SimScenario;
  /** Simulated time runs this many times faster than real time. */
  timeScale: number;
  loop: boolean;
  /** Overrides `timeScale` (tests drive a FakeClock). */
  clock?: Clock;
  /** Real milliseconds between simulator ticks (default 10); inputs change on ticks. */
  tickMs?: number;
}

export interface SimGpioBoard {
  sim: SimHost;
  /** The header's lines, moved on every simulator tick; hand them to a GpioDriver. */
  lines: FakeGpioLines;
  close(): Promise<void>;
}

/** The virtual elevator on the gateway's GPIO header, wired as `board` says. */
export function startSimGpio(o: SimContactBoardOptions & { board: GpioBoardProfile }): SimGpioBoard {
  const sim = new SimHost({ scenario: o.scenario, clock: o.clock ?? scaledClock(o.timeScale), loop: o.loop, tickMs: (o.tickMs ?? 10) * (o.clock ? 1 : o.timeScale) });
  const lines = new FakeGpioLines(Object.fromEntries(gpioLineLevels(o.board, sim.state())));
  sim.onStep = (s) => {
    for (const [line, level] of gpioLineLevels(o.board, s)) lines.set(line, level); // fires watchers on change only, like an edge interrupt
  };
  sim.start();
  return {
    sim,
    lines,
    async close() {
      sim.stop();
    },
  };
}

/** A mock board that, like StandardFirmata, reports a digital pin's level once when its reporting is enabled. */
class SimFirmataIo extends MockFirmataIo {
  constructor(private readonly level: (pin: number) => 0 | 1) {
    super();
  }

  override digitalRead(pin: number, onValue: (value: 0 | 1) => void): void {
    super.digitalRead(pin, onValue);
    onValue(this.level(pin));
  }
}

const portOf = (pin: number): number => pin >> 3;

export interface SimFirmataBoard {
  sim: SimHost;
  /** Hands out a fresh mock board per connection (a reconnect is a new USB session); give it to a FirmataDriver. */
  connect: FirmataConnector;
  /** Every board handed out, the current one last. */
  readonly boards: readonly MockFirmataIo[];
  close(): Promise<void>;
}

/**
 * The virtual elevator on an Arduino running StandardFirmata, wired as `board` says: digital pins
 * report on change (by port), analog channels every sampling interval of simulated time.
 */
export function startSimFirmata(o: SimContactBoardOptions & { board: FirmataBoardProfile; unwired?: Record<string, number> }): SimFirmataBoard {
  const sim = new SimHost({ scenario: o.scenario, clock: o.clock ?? scaledClock(o.timeScale), loop: o.loop, tickMs: (o.tickMs ?? 10) * (o.clock ? 1 : o.timeScale) });
  const values = (s: SimState) => firmataPinValues(o.board, s, o.unwired);
  let last = values(sim.state());
  let lastAnalogMs = -Infinity;
  const boards: SimFirmataIo[] = [];
  sim.onStep = (s) => {
    const next = values(s);
    const io = boards.at(-1);
    if (io && !io.closed) {
      // StandardFirmata reports a whole port (8 pins) when one of its pins changes, and nothing otherwise.
      const changed = new Set([...next.digital].filter(([pin, level]) => last.digital.get(pin) !== level).map(([pin]) => portOf(pin)));
      for (const [pin, level] of next.digital) if (changed.has(portOf(pin))) io.setDigital(pin, level);
      if (s.simMs - lastAnalogMs >= (io.samplingIntervalMs ?? o.board.samplingIntervalMs)) {
        lastAnalogMs = s.simMs;
        for (const [channel, v] of next.analog) io.setAnalog(channel, v);
      }
    }
    last = next;
  };
  sim.start();
  return {
    sim,
    boards,
    connect: async () => {
      const io = new SimFirmataIo((pin) => last.digital.get(pin) ?? 0);
      boards.push(io);
      return io;
    },
    async close() {
      sim.stop();
    },
  };
}
