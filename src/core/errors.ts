/**
 * Why a field transport failed, as counted in a driver's health and shown by `diag`:
 * - MODBUS_TIMEOUT: the slave did not answer (dead, wrong unit id, cable);
 * - MODBUS_CRC: bytes came back but no frame passed the check (noise, wrong baud rate or parity);
 * - MODBUS_EXCEPTION: the slave answered with an exception (e.g. 2 = illegal data address);
 * - MODBUS_IO, SERIAL_IO, GPIO_IO, FIRMATA_IO: the port, connection or lines themselves failed;
 * - SERIAL_STALE, FIRMATA_STALE: the link is up but the device stopped reporting;
 * - I2C_IO: an I²C sensor did not answer (NACK, bus error); I2C_STALE: it answers but has no new
 *   sample (a barometer stuck, an empty FIFO); SENSOR_INVALID: not the chip the profile names;
 * - FRAME_INVALID: a framed-serial frame failed its checksum or length;
 * - GPIO_UNAVAILABLE: no GPIO on this machine or the optional library is missing;
 * - DRIVER_OPEN_FAILED: the transport could not be set up at all (e.g. a missing optional package).
 */
export const DRIVER_ERROR_CODES = [
  'MODBUS_TIMEOUT',
  'MODBUS_CRC',
  'MODBUS_EXCEPTION',
  'MODBUS_IO',
  'SERIAL_IO',
  'SERIAL_STALE',
  'FRAME_INVALID',
  'GPIO_IO',
  'GPIO_UNAVAILABLE',
  'FIRMATA_IO',
  'FIRMATA_STALE',
  'I2C_IO',
  'I2C_STALE',
  'SENSOR_INVALID',
  'DRIVER_OPEN_FAILED',
] as const;
export type DriverErrorCode = (typeof DRIVER_ERROR_CODES)[number];

/** One error type with stable codes; codes appear in logs and in `diag`. */
export type ErrorCode =
  | DriverErrorCode
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNWRITABLE'
  | 'BOARD_UNKNOWN'
  | 'BOARD_INVALID'
  | 'WRITE_NOT_ALLOWED'
  | 'DRIVER_MISUSE'
  | 'DIAG_INVALID'
  | 'DIAG_UNREACHABLE'
  | 'OUTBOX_CORRUPT'
  | 'OUTBOX_UNAVAILABLE'
  | 'OUTBOX_MISUSE'
  | 'COMMAND_INVALID'
  | 'COMMAND_FAILED'
  | 'SCENARIO_INVALID'
  | 'INIT_REFUSED';

export class ElevgwError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ElevgwError';
  }
}

export function isElevgwError(e: unknown, code?: ErrorCode): e is ElevgwError {
  return e instanceof ElevgwError && (code === undefined || e.code === code);
}

/**
 * What went wrong, in words, for a log line or a message: an Error's message; a library's error
 * object that is not an Error (modbus-serial rejects with `{ name, message, errno }`) by its
 * message or, failing that, as JSON — never "[object Object]".
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
    try {
      return JSON.stringify(e);
    } catch {
      return `an object with ${Object.keys(e).join(', ') || 'no keys'}`; // circular: at least its shape
    }
  }
  return String(e);
}
