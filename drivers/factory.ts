import type { BoardProfile } from '../src/config/board.js';
import type { Connection, ModbusConnection } from '../src/config/site.js';
import type { Clock } from '../src/core/clock.js';
import { ElevgwError } from '../src/core/errors.js';
import type { Logger } from '../src/core/log.js';
import type { FieldBuses } from './buses.js';
import type { SerialSettings } from './kernel/serial-port.js';
import { ModbusDriver } from './modbus/driver.js';
import type { ModbusLink } from './modbus/link.js';
import { modbusRtuLink } from './modbus/rtu-link.js';
import { modbusTcpLink } from './modbus/tcp-link.js';
import type { Driver } from './types.js';

export interface DriverContext {
  board: BoardProfile;
  /** As the loader checked it against the board's transport (gpio boards may have none). */
  connection: Connection | undefined;
  /** Sample time: stamps readings and counts back-offs. */
  clock: Clock;
  logger: Logger;
  /** The gateway's buses: one queue per bus, one open port per serial path. */
  buses: FieldBuses;
}

/** Modbus TCP for `{ host, port }`, RTU for `{ path, baudRate, parity }` (the loader checked it fits the board). */
function modbusLink(conn: ModbusConnection, buses: FieldBuses): ModbusLink {
  return 'host' in conn ? modbusTcpLink(conn) : modbusRtuLink(conn, buses.rtuPorts);
}

function misfit(ctx: DriverContext, expected: string): ElevgwError {
  return new ElevgwError('CONFIG_INVALID', `board "${ctx.board.id}" uses ${ctx.board.transport}: expected connection ${expected}, got ${JSON.stringify(ctx.connection)}`);
}

function modbusConnection(ctx: DriverContext): ModbusConnection {
  const c = ctx.connection;
  if (c && ('host' in c || 'parity' in c)) return c;
  throw misfit(ctx, '{ host, port, unitId } or { path, baudRate, parity, unitId }');
}

function serialPort(ctx: DriverContext): SerialSettings {
  const c = ctx.connection;
  if (c && 'path' in c) return { path: c.path, baudRate: c.baudRate };
  throw misfit(ctx, '{ path, baudRate }');
}

/**
 * The one place that maps a board's transport to a driver; the runtime never names a transport.
 * Optional libraries (onoff, firmata-io, johnny-five, i2c-bus) are imported only when their driver opens.
 */
export async function createDriver(ctx: DriverContext): Promise<Driver> {
  switch (ctx.board.transport) {
    case 'modbus-tcp':
    case 'modbus-rtu':
    case 'modbus': {
      const conn = modbusConnection(ctx);
      const link = modbusLink(conn, ctx.buses);
      return new ModbusDriver({ board: ctx.board, unitId: conn.unitId, link, bus: ctx.buses.queues.for(link.busKey), clock: ctx.clock, logger: ctx.logger });
    }
    // The other transports' code is loaded only for a board that uses it: a gateway on Modbus
    // keeps none of it in memory.
    case 'serial-framed': {
      const { SerialFramedDriver } = await import('./serial/driver.js');
      return new SerialFramedDriver({ board: ctx.board, connection: serialPort(ctx), ports: ctx.buses.serialPorts, clock: ctx.clock, logger: ctx.logger });
    }
    case 'gpio': {
      const [{ GpioDriver }, { loadOnoffLines }] = await Promise.all([import('./gpio/driver.js'), import('./gpio/onoff-lines.js')]);
      const chip = ctx.connection && 'chip' in ctx.connection ? ctx.connection.chip : undefined;
      return new GpioDriver({ board: ctx.board, lines: () => loadOnoffLines({ chip }), clock: ctx.clock, logger: ctx.logger });
    }
    case 'firmata': {
      const [{ FirmataDriver }, { firmataIoConnector }] = await Promise.all([import('./firmata/driver.js'), import('./firmata/firmata-io.js')]);
      return new FirmataDriver({ board: ctx.board, connect: firmataIoConnector({ ...serialPort(ctx), ports: ctx.buses.serialPorts }), clock: ctx.clock, logger: ctx.logger });
    }
    case 'retrofit-firmata': {
      const [{ RetrofitDriver }, { johnnyFiveConnector }] = await Promise.all([import('./retrofit/driver.js'), import('./retrofit/johnny-five.js')]);
      return new RetrofitDriver({ board: ctx.board, connect: johnnyFiveConnector({ ...serialPort(ctx), ports: ctx.buses.serialPorts }), clock: ctx.clock, logger: ctx.logger });
    }
    case 'retrofit-i2c': {
      const [{ RetrofitDriver }, { openI2cBus, piRetrofitConnector }, { loadOnoffLines }] = await Promise.all([
        import('./retrofit/driver.js'),
        import('./retrofit/pi-i2c.js'),
        import('./gpio/onoff-lines.js'),
      ]);
      const c = ctx.connection && 'bus' in ctx.connection ? ctx.connection : { bus: 1, chip: undefined };
      const connect = piRetrofitConnector({ bus: () => openI2cBus(c.bus), lines: () => loadOnoffLines({ chip: c.chip }) });
      return new RetrofitDriver({ board: ctx.board, connect, clock: ctx.clock, logger: ctx.logger });
    }
  }
}
