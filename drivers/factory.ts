import type { BoardProfile } from '../src/config/board.js';
import type { Connection } from '../src/config/site.js';
import type { Clock } from '../src/core/clock.js';
import type { Logger } from '../src/core/log.js';
import { ModbusDriver } from './modbus/driver.js';
import { modbusSerialLink } from './modbus/link.js';
import type { Driver } from './types.js';

export interface DriverContext {
  board: BoardProfile;
  connection: Connection;
  clock: Clock;
  logger: Logger;
}

/** The one place that maps a board's transport to a driver; the runtime never names a transport. */
export async function createDriver(ctx: DriverContext): Promise<Driver> {
  switch (ctx.board.transport) {
    case 'modbus-tcp':
    case 'modbus-rtu':
      return new ModbusDriver({
        board: ctx.board,
        unitId: ctx.connection.unitId,
        link: modbusSerialLink(ctx.connection),
        clock: ctx.clock,
        logger: ctx.logger,
      });
  }
}
