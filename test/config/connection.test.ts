import { describe, expect, it } from 'vitest';
import { checkConnection } from '../../src/config/connection.js';

/**
 * An elevator's `connection` checked against its board's transport, as written in the site
 * config (before defaults): the one place where a Modbus address on a serial box, or nothing at
 * all on a Modbus controller, is caught. Each refusal says what was expected and what was found.
 */

const message = (r: ReturnType<typeof checkConnection>) => (r.ok ? undefined : r.message);

describe('connection by transport', () => {
  it('each transport with nothing written: refused where a port or host is needed, accepted on the gateway’s own header', () => {
    const needed = {
      'modbus-tcp': '{ host, port?: 502, unitId?: 1 }',
      'modbus-rtu': '{ path, baudRate?: 9600, parity?: none|even|odd, unitId?: 1 }',
      modbus: '{ host, port?: 502, unitId?: 1 } or { path, baudRate?: 9600, parity?: none|even|odd, unitId?: 1 }',
      'serial-framed': '{ path, baudRate?: 115200 }',
      firmata: '{ path, baudRate?: 57600 }',
      'retrofit-firmata': '{ path, baudRate?: 57600 }',
    } as const;
    for (const [transport, shape] of Object.entries(needed)) {
      expect(message(checkConnection(transport as keyof typeof needed, undefined))).toBe(`uses ${transport}: expected connection ${shape}, but there is none`);
    }
    expect(checkConnection('gpio', undefined)).toEqual({ ok: true, connection: undefined });
    expect(checkConnection('retrofit-i2c', undefined)).toEqual({ ok: true, connection: undefined });
  });

  it('fills in each transport’s defaults', () => {
    expect(checkConnection('retrofit-firmata', { path: '/dev/ttyACM0' })).toEqual({ ok: true, connection: { path: '/dev/ttyACM0', baudRate: 57600 } });
    expect(checkConnection('retrofit-i2c', { chip: 'pinctrl-rp1' })).toEqual({ ok: true, connection: { bus: 1, chip: 'pinctrl-rp1' } });
    expect(checkConnection('modbus', { host: '10.0.0.5' })).toEqual({ ok: true, connection: { host: '10.0.0.5', port: 502, unitId: 1 } });
    expect(checkConnection('modbus', { path: '/dev/ttyUSB0' })).toEqual({ ok: true, connection: { path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none', unitId: 1 } });
  });

  it('a Pi box’s I²C bus is 0–31; a Firmata box is not on a bus', () => {
    expect(message(checkConnection('retrofit-i2c', { bus: 32 }))).toMatch(
      /^uses retrofit-i2c: expected connection \{ bus\?: 1, chip\?: "pinctrl-…" \} or none, got \{ bus \} \(bus: /,
    );
    expect(message(checkConnection('retrofit-firmata', { bus: 1 }))).toMatch(/^uses retrofit-firmata: expected connection \{ path, baudRate\?: 57600 \}, got \{ bus \} \(/);
  });
});

describe('what a refusal says it found', () => {
  it('a connection that is not a mapping is shown as written', () => {
    expect(message(checkConnection('modbus-tcp', 'tcp://10.0.0.5:502'))).toMatch(/, got "tcp:\/\/10\.0\.0\.5:502" \(connection: /);
    expect(message(checkConnection('modbus-tcp', null))).toMatch(/, got null \(connection: /);
    expect(message(checkConnection('serial-framed', ['/dev/ttyUSB0']))).toMatch(/, got \["\/dev\/ttyUSB0"\] \(connection: /);
    expect(message(checkConnection('firmata', 57600))).toMatch(/, got 57600 \(connection: /);
  });

  it('a mistyped IPv4 host is refused; a host name is not', () => {
    expect(message(checkConnection('modbus-tcp', { host: '192.168.10.300' }))).toMatch(/host: an IPv4 address is four numbers 0–255 separated by dots/);
    expect(message(checkConnection('modbus-tcp', { host: '192.168.10' }))).toMatch(/host: an IPv4 address is four numbers 0–255 separated by dots/);
    expect(checkConnection('modbus-tcp', { host: 'plc-3.local' }).ok).toBe(true);
  });

  it('the keys written, every problem once, joined', () => {
    expect(message(checkConnection('modbus-tcp', { host: '', port: 70000, colour: 'red' }))).toMatch(
      /^uses modbus-tcp: expected connection \{ host, port\?: 502, unitId\?: 1 \}, got \{ host, port, colour \} \((?=.*unknown key\(s\) colour)(?=.*host: )(?=.*port: )[^;]+(; [^;]+){2}\)$/,
    );
  });

  it('for a board that takes either Modbus, the problems of both readings', () => {
    const m = message(checkConnection('modbus', { host: 5, path: 7 }));
    expect(m).toMatch(
      /^uses modbus: expected connection \{ host, port\?: 502, unitId\?: 1 \} or \{ path, baudRate\?: 9600, parity\?: none\|even\|odd, unitId\?: 1 \}, got \{ host, path \} \(/,
    );
    expect(m).toMatch(/host: [^;]*string/);
    expect(m).toMatch(/path: [^;]*string/);
  });
});
