import type { Clock } from '../core/clock.js';
import { serveSim, type SimHost } from './host.js';
import { startModbusRtuServer, type ModbusRtuServer } from './modbus-rtu-server.js';
import type { SimScenario } from './scenario.js';
import type { SimState } from './state.js';

/**
 * The 8-input Modbus RTU digital-input module of boards/rs485-di-module.yaml, wired to the virtual
 * elevator as that profile's wiring comment describes. Written out by hand from the wiring, not
 * from the profile's points, so the simulator checks the profile (its `invert`s) instead of
 * echoing it. Each input is true while its contact is closed.
 *
 * | input | contact | closed when |
 * |---|---|---|
 * | DI0 | door closed limit switch | the door is fully closed |
 * | DI1 | upper leveling sensor | the sensor sees the zone |
 * | DI2 | lower leveling sensor | the sensor sees the zone |
 * | DI3 | PIR relay, normally closed | nobody in the car (opens on presence) |
 * | DI4 | car alarm button, normally open | pressed |
 * | DI5 | inspection switch, "normal" contact | normal operation (opens in inspection) |
 * | DI6 | backup-power board's power-fail relay | mains present (held closed by mains) |
 * | DI7 | relay across the end of the safety chain | the safety circuit is closed |
 */
function encodeDiModuleInputs(s: SimState): boolean[] {
  return [s.doorClosed, s.doorZoneUpper, s.doorZoneLower, !s.occupied, s.alarmButton, !s.inspection, s.mainsPower, s.safetyCircuit];
}

export interface SimDiModuleRtuOptions {
  path: string;
  /** Most modules ship at 9600 8N1. */
  baudRate?: number;
  unitId: number;
  scenario: SimScenario;
  /** Simulated time runs this many times faster than real time. */
  timeScale: number;
  loop: boolean;
  /** Overrides `timeScale` (tests drive a FakeClock). */
  clock?: Clock;
}

export interface SimDiModuleRtu {
  path: string;
  sim: SimHost;
  server: ModbusRtuServer;
  close(): Promise<void>;
}

/**
 * The virtual elevator's contacts as an RTU digital-input module on a serial path (one end of a
 * socat pty pair): discrete inputs 0–7 (FC2); the module has no registers (FC3/FC4 get exception 2).
 */
export async function startSimDiModuleRtu(o: SimDiModuleRtuOptions): Promise<SimDiModuleRtu> {
  const { sim, server, close } = await serveSim(o, (current) =>
    startModbusRtuServer({
      path: o.path,
      baudRate: o.baudRate ?? 9600,
      unitId: o.unitId,
      readRegisters: () => [],
      readDiscreteInputs: () => encodeDiModuleInputs(current()),
    }),
  );
  return { path: o.path, sim, server, close };
}
