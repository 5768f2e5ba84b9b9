import { ElevgwError, isElevgwError } from '../../src/core/errors.js';

/** The codes a Modbus transaction fails with (meanings in src/core/errors.ts). */
export type ModbusErrorCode = 'MODBUS_TIMEOUT' | 'MODBUS_CRC' | 'MODBUS_EXCEPTION' | 'MODBUS_IO';

const MODBUS_CODES: readonly string[] = ['MODBUS_TIMEOUT', 'MODBUS_CRC', 'MODBUS_EXCEPTION', 'MODBUS_IO'];

/** A failed transaction as the project's coded error; an exception response carries its code. */
export function modbusError(code: ModbusErrorCode, message: string, exceptionCode?: number): ElevgwError {
  return new ElevgwError(code, message, exceptionCode === undefined ? {} : { exceptionCode });
}

/** Exception codes worth retrying at once: 5 acknowledge, 6 slave device busy. */
export function retryableException(code: number | undefined): boolean {
  return code === 5 || code === 6;
}

/** A failure's code: a link's own coded error, or modbus-serial's error shapes (TCP link). */
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
