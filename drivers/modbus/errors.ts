import { ElevgwError, isElevgwError } from '../../src/core/errors.js';

/** The codes a Modbus transaction fails with (meanings in src/core/errors.ts). */
export type ModbusErrorCode = 'MODBUS_TIMEOUT' | 'MODBUS_CRC' | 'MODBUS_EXCEPTION' | 'MODBUS_IO';

const MODBUS_CODES: readonly string[] = ['MODBUS_TIMEOUT', 'MODBUS_CRC', 'MODBUS_EXCEPTION', 'MODBUS_IO'];

/** A failed transaction as the project's coded error; an exception response carries its code. */
export function modbusError(code: ModbusErrorCode, message: string, exceptionCode?: number): ElevgwError {
  return new ElevgwError(code, message, exceptionCode === undefined ? {} : { exceptionCode });
}

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
};

/** A slave's exception response (RTU or TCP), named. */
export function exceptionError(unitId: number, code: number): ElevgwError {
  return modbusError('MODBUS_EXCEPTION', `unit ${unitId}: exception ${code} (${EXCEPTION_NAMES[code] ?? 'unknown'})`, code);
}

/** Exception codes worth retrying at once: 5 acknowledge, 6 slave device busy. */
export function retryableException(code: number | undefined): boolean {
  return code === 5 || code === 6;
}

/** A failure's code: a link's own coded error, or the error shapes of modbus-serial's client (kept for any link built on it). */
export function classify(e: unknown): ModbusErrorCode {
  if (isElevgwError(e) && MODBUS_CODES.includes(e.code)) return e.code as ModbusErrorCode;
  const err = e as { errno?: string; modbusCode?: number; message?: string } | undefined;
  if (err?.modbusCode !== undefined) return 'MODBUS_EXCEPTION';
  if (err?.errno === 'ETIMEDOUT' || /timed out/i.test(err?.message ?? '')) return 'MODBUS_TIMEOUT';
  if (/crc/i.test(err?.message ?? '')) return 'MODBUS_CRC';
  return 'MODBUS_IO';
}

/** The exception code of a failure, if it was an exception response. */
export function exceptionCodeOf(e: unknown): number | undefined {
  if (isElevgwError(e)) {
    const c = e.context.exceptionCode;
    return typeof c === 'number' ? c : undefined;
  }
  return (e as { modbusCode?: number } | undefined)?.modbusCode;
}
