import { describe, expect, it } from 'vitest';
import { ElevgwError, errorMessage, isElevgwError } from '../../src/core/errors.js';

describe('error messages in words', () => {
  it('takes an Error’s message, a library error object’s message, or the object as JSON — never [object Object]', () => {
    expect(errorMessage(new Error('port not open'))).toBe('port not open');
    expect(errorMessage({ name: 'TransactionTimedOutError', message: 'Timed out', errno: 'ETIMEDOUT' })).toBe('Timed out');
    expect(errorMessage({ errno: 'ECONNRESET' })).toBe('{"errno":"ECONNRESET"}');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(undefined)).toBe('undefined');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorMessage(circular)).toBe('an object with self');
  });

  it('tells a coded error by its code', () => {
    const e = new ElevgwError('MODBUS_TIMEOUT', 'unit 1: no response within 200 ms', { unitId: 1 });
    expect(isElevgwError(e, 'MODBUS_TIMEOUT')).toBe(true);
    expect(isElevgwError(e, 'MODBUS_CRC')).toBe(false);
    expect(isElevgwError(new Error('x'))).toBe(false);
  });
});
