import { describe, expect, it } from 'vitest';
import { classify, exceptionCodeOf, exceptionError, modbusError } from '../../drivers/modbus/errors.js';
import { ElevgwError } from '../../src/core/errors.js';

/**
 * Which code a failed Modbus transaction counts as: it decides whether the driver retries
 * (timeout, CRC), accepts the answer (exception), or drops and reopens the port (I/O). Links
 * throw their own coded errors; modbus-serial's client (no link uses it now) threw its own shapes.
 */
describe('classifying a failed Modbus transaction', () => {
  it('keeps the code of a link’s own Modbus error', () => {
    for (const code of ['MODBUS_TIMEOUT', 'MODBUS_CRC', 'MODBUS_EXCEPTION', 'MODBUS_IO'] as const) {
      expect(classify(modbusError(code, 'whatever the message says: timed out, crc'))).toBe(code);
    }
  });

  it('an error coded for something else never passes its own code on', () => {
    expect(classify(new ElevgwError('DRIVER_MISUSE', '/dev/ttyUSB0: one transaction at a time'))).toBe('MODBUS_IO');
  });

  it('reads modbus-serial’s shapes: exception, timeout, CRC, anything else', () => {
    expect(classify({ message: 'Modbus exception 2: Illegal data address (register not supported by device)', modbusCode: 2 })).toBe('MODBUS_EXCEPTION');
    expect(classify({ message: 'Modbus exception 6: Slave device busy', modbusCode: 0 })).toBe('MODBUS_EXCEPTION');
    expect(classify(Object.assign(new Error('Timed out'), { errno: 'ETIMEDOUT' }))).toBe('MODBUS_TIMEOUT');
    expect(classify({ errno: 'ETIMEDOUT' })).toBe('MODBUS_TIMEOUT');
    expect(classify(new Error('Request TIMED OUT'))).toBe('MODBUS_TIMEOUT');
    expect(classify(new Error('CRC error'))).toBe('MODBUS_CRC');
    expect(classify(new Error('bad crc'))).toBe('MODBUS_CRC');
    expect(classify(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:502'), { errno: 'ECONNREFUSED' }))).toBe('MODBUS_IO');
    expect(classify(new Error('Port Not Open'))).toBe('MODBUS_IO');
  });

  it('never throws on things that are not errors', () => {
    for (const e of [undefined, null, 'a string', 42, {}, { message: undefined }]) expect(classify(e)).toBe('MODBUS_IO');
  });
});

describe('the exception code of a failure', () => {
  it('comes from a coded error’s context, or from modbus-serial’s modbusCode', () => {
    expect(exceptionCodeOf(modbusError('MODBUS_EXCEPTION', 'x', 6))).toBe(6);
    expect(exceptionCodeOf({ modbusCode: 2 })).toBe(2);
  });

  it('is absent for any other failure', () => {
    expect(exceptionCodeOf(modbusError('MODBUS_TIMEOUT', 'x'))).toBeUndefined();
    expect(exceptionCodeOf(new ElevgwError('MODBUS_EXCEPTION', 'x', { exceptionCode: '6' }))).toBeUndefined();
    expect(exceptionCodeOf(new Error('Timed out'))).toBeUndefined();
    expect(exceptionCodeOf(undefined)).toBeUndefined();
  });

  it('is carried only by errors that have one', () => {
    expect(modbusError('MODBUS_EXCEPTION', 'x', 2).context).toEqual({ exceptionCode: 2 });
    expect(Object.keys(modbusError('MODBUS_TIMEOUT', 'x').context)).toEqual([]);
  });
});

describe('an exception response as the technician reads it', () => {
  it('names the unit, the code and what the code means, or says the code is unknown', () => {
    expect([2, 6, 11, 99].map((code) => exceptionError(3, code).message)).toEqual([
      'unit 3: exception 2 (illegal data address)',
      'unit 3: exception 6 (slave device busy)',
      'unit 3: exception 11 (gateway target failed to respond)',
      'unit 3: exception 99 (unknown)',
    ]);
    expect(exceptionError(3, 2)).toMatchObject({ code: 'MODBUS_EXCEPTION', context: { exceptionCode: 2 } });
  });
});
