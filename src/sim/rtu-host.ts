import { serveSim, type SimHost } from './host.js';
import { encodeControllerRegisters, encodeDiscreteInputs } from './modbus-map.js';
import { startModbusRtuServer, type ModbusRtuServer } from './modbus-rtu-server.js';
import type { SimScenario } from './scenario.js';

export interface SimModbusRtu {
  path: string;
  sim: SimHost;
  server: ModbusRtuServer;
  close(): Promise<void>;
}

/**
 * The virtual elevator as a Modbus RTU slave on a serial path, with the generic controller map
 * (boards/generic-modbus-controller.yaml: holding registers 0–5, plus register 6 of sim-modbus)
 * and the status bits mirrored as discrete inputs 0–15.
 */
export async function startSimModbusRtu(o: { path: string; baudRate?: number; unitId: number; scenario: SimScenario; timeScale: number; loop: boolean }): Promise<SimModbusRtu> {
  const { sim, server, close } = await serveSim(o, (current) =>
    startModbusRtuServer({
      path: o.path,
      baudRate: o.baudRate ?? 9600,
      unitId: o.unitId,
      readRegisters: () => encodeControllerRegisters(current()),
      readDiscreteInputs: () => encodeDiscreteInputs(current()),
    }),
  );
  return { path: o.path, sim, server, close };
}
