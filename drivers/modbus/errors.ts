/**
 * Why a Modbus transaction failed, as a stable code (logged, counted in health, shown by diag):
 * - MODBUS_TIMEOUT: the slave did not answer (dead, wrong unit id, cable);
 * - MODBUS_CRC: bytes came back but no frame passed the check (noise, wrong baud rate or parity);
 * - MODBUS_EXCEPTION: the slave answered with an exception (e.g. 2 = illegal data address);
 * - MODBUS_IO: the port or connection itself failed; the link is closed and reopened.
 */
export type ModbusErrorCode = 'MODBUS_TIMEOUT' | 'MODBUS_CRC' | 'MODBUS_EXCEPTION' | 'MODBUS_IO';

export class ModbusLinkError extends Error {
  constructor(
    readonly code: ModbusErrorCode,
    message: string,
    /** For MODBUS_EXCEPTION: the exception code the slave sent. */
    readonly exceptionCode?: number,
  ) {
    super(message);
    this.name = 'ModbusLinkError';
  }
}

/** Exception codes worth retrying at once: 5 acknowledge, 6 slave device busy. */
export function retryableException(code: number | undefined): boolean {
  return code === 5 || code === 6;
}

/** A failure's code: a link's own ModbusLinkError, or modbus-serial's error shapes (TCP link). */
export function classify(e: unknown): ModbusErrorCode {
  if (e instanceof ModbusLinkError) return e.code;
  const err = e as { errno?: string; modbusCode?: number; message?: string } | undefined;
  if (err?.modbusCode !== undefined) return 'MODBUS_EXCEPTION';
  if (err?.errno === 'ETIMEDOUT' || /timed out/i.test(err?.message ?? '')) return 'MODBUS_TIMEOUT';
  if (/crc/i.test(err?.message ?? '')) return 'MODBUS_CRC';
  return 'MODBUS_IO';
}

/** The exception code of a failure, if it was an exception response. */
export function exceptionCodeOf(e: unknown): number | undefined {
  if (e instanceof ModbusLinkError) return e.exceptionCode;
  return (e as { modbusCode?: number } | undefined)?.modbusCode;
}
