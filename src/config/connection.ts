import type { z } from 'zod';
import type { BoardTransport } from './board.js';
import {
  modbusConnectionSchema,
  firmataConnectionSchema,
  gpioConnectionSchema,
  i2cConnectionSchema,
  modbusRtuConnectionSchema,
  modbusTcpConnectionSchema,
  serialFramedConnectionSchema,
  type Connection,
} from './site.js';

/** What an elevator's `connection` must look like for a board transport. */
interface ConnectionSpec {
  schema: z.ZodType<Connection>;
  /** The expected shape, as said in error messages. */
  shape: string;
  /** The connection may be left out (gpio: the gateway's own header). */
  optional: boolean;
}

const TCP = '{ host, port?: 502, unitId?: 1 }';
const RTU = '{ path, baudRate?: 9600, parity?: none|even|odd, unitId?: 1 }';

function connectionSpecFor(transport: BoardTransport): ConnectionSpec {
  switch (transport) {
    case 'modbus-tcp':
      return { schema: modbusTcpConnectionSchema(), shape: TCP, optional: false };
    case 'modbus-rtu':
      return { schema: modbusRtuConnectionSchema(), shape: RTU, optional: false };
    case 'modbus':
      return { schema: modbusConnectionSchema(), shape: `${TCP} or ${RTU}`, optional: false };
    case 'serial-framed':
      return { schema: serialFramedConnectionSchema(), shape: '{ path, baudRate?: 115200 }', optional: false };
    case 'firmata':
      return { schema: firmataConnectionSchema(), shape: '{ path, baudRate?: 57600 }', optional: false };
    case 'gpio':
      return { schema: gpioConnectionSchema(), shape: '{ chip?: "pinctrl-…" } or none', optional: true };
    case 'retrofit-firmata':
      return { schema: firmataConnectionSchema(), shape: '{ path, baudRate?: 57600 }', optional: false };
    case 'retrofit-i2c':
      return { schema: i2cConnectionSchema(), shape: '{ bus?: 1, chip?: "pinctrl-…" } or none', optional: true };
  }
}

export type ConnectionCheck = { ok: true; connection: Connection | undefined } | { ok: false; message: string };

function describeKeys(raw: unknown): string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return JSON.stringify(raw);
  return `{ ${Object.keys(raw).join(', ')} }`;
}

/**
 * Checks an elevator's connection (as written in the file, before any defaults) against its
 * board's transport, giving the connection with that transport's defaults filled in.
 */
export function checkConnection(transport: BoardTransport, raw: unknown): ConnectionCheck {
  const spec = connectionSpecFor(transport);
  if (raw === undefined) {
    return spec.optional ? { ok: true, connection: undefined } : { ok: false, message: `uses ${transport}: expected connection ${spec.shape}, but there is none` };
  }
  const r = spec.schema.safeParse(raw);
  if (r.success) return { ok: true, connection: r.data };
  const details = r.error.issues
    .flatMap((i) => (i.code === 'invalid_union' ? i.errors.flat() : [i]))
    .map((i) => (i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : `${i.path.join('.') || 'connection'}: ${i.message}`));
  return { ok: false, message: `uses ${transport}: expected connection ${spec.shape}, got ${describeKeys(raw)} (${[...new Set(details)].join('; ')})` };
}
