import { modbusError } from '../../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../../drivers/modbus/link.js';
import { simModbusLink } from '../modbus-link.js';
import { encodeControllerRegisters } from '../modbus-map.js';
import type { WearLift } from './lift.js';

/**
 * A wear lift as an in-process Modbus slave (the sim-modbus register map), read at the sample
 * time `now()`: the real ModbusDriver, board profile and normalizer see it as a controller. While
 * the monitoring link is down every read times out, as a loose connector's would.
 */
export function wearModbusLink(lift: WearLift, now: () => number): ModbusLink {
  const link = simModbusLink(() => encodeControllerRegisters(lift.stateAt(now())));
  return {
    description: 'wear sim (in-process)',
    busKey: link.busKey,
    open: () => link.open(),
    close: () => link.close(),
    isOpen: () => link.isOpen(),
    async read(unitId, block, timeoutMs) {
      if (lift.dropoutAt(now()) !== undefined) throw modbusError('MODBUS_TIMEOUT', 'unit 1: no answer (the monitoring link dropped out)');
      return link.read(unitId, block, timeoutMs);
    },
    writeRegister: (unitId, address, value, timeoutMs) => link.writeRegister(unitId, address, value, timeoutMs),
  };
}
