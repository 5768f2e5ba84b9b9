/** One error type with stable codes; codes appear in logs and in `diag`. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'BOARD_UNKNOWN'
  | 'BOARD_INVALID'
  | 'WRITE_NOT_ALLOWED'
  | 'DRIVER_OPEN_FAILED'
  | 'MODBUS_TIMEOUT'
  | 'MODBUS_EXCEPTION'
  | 'MODBUS_CRC'
  | 'MODBUS_IO'
  | 'FRAME_INVALID'
  | 'OUTBOX_CORRUPT'
  | 'OUTBOX_MISUSE'
  | 'COMMAND_INVALID'
  | 'SCENARIO_INVALID';

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

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
