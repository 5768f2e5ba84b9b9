import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigProblem, loadConfig, packageRoot } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { configProblems } from '../helpers/config-refusal.js';

/**
 * A site config's elevator connection with a wrong value or a misspelt key is refused against its
 * board's transport, naming the board, the transport, the key and what it expected — not with
 * the list of every transport's shapes, which can say none of that. And the connection the loader
 * hands on is its transport's, defaults filled in, in the site config as in the elevator.
 */

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
const DEMO_CONNECTION = 'connection: { host: 127.0.0.1, port: 1502, unitId: 1 }';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function site(board: string, connection: string): string {
  expect(demo).toContain(DEMO_CONNECTION);
  return tmp.file('site.yaml', demo.replace('board: sim-modbus', `board: ${board}`).replace(DEMO_CONNECTION, `connection: ${connection}`));
}

const problemsOf = (board: string, connection: string): ConfigProblem[] => configProblems(site(board, connection));

describe('a connection refused names the board, its transport and the key', () => {
  it('Modbus TCP port 70000', () => {
    const p = problemsOf('sim-modbus', '{ host: 10.0.0.5, port: 70000 }');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ path: 'elevators[0].connection', line: expect.any(Number) });
    expect(p[0]!.message).toMatch(/^board "sim-modbus" uses modbus-tcp: expected connection \{ host, port\?: 502, unitId\?: 1 \}, got \{ host, port \} \(port: /);
  });

  it('Modbus RTU unit id 0 (a broadcast address, never a slave)', () => {
    const [p] = problemsOf('rs485-di-module', '{ path: /dev/ttyUSB0, unitId: 0 }');
    expect(p!.message).toMatch(/^board "rs485-di-module" uses modbus-rtu: .*\(unitId: /);
  });

  it('a misspelt key (baudrate for baudRate)', () => {
    const [p] = problemsOf('rs485-di-module', '{ path: /dev/ttyUSB0, baudrate: 19200 }');
    expect(p!.message).toMatch(/^board "rs485-di-module" uses modbus-rtu: .*unknown key\(s\) baudrate/);
  });

  it('parity on a framed serial box, which has none to set', () => {
    const [p] = problemsOf('serial-sensorbox', '{ path: /dev/ttyUSB0, parity: even }');
    expect(p!.message).toMatch(/^board "serial-sensorbox" uses serial-framed: .*unknown key\(s\) parity/);
  });

  it('an I²C bus out of range on the Pi retrofit box', () => {
    const [p] = problemsOf('retrofit-pi-i2c-sensorbox', '{ bus: 40 }');
    expect(p!.message).toMatch(/^board "retrofit-pi-i2c-sensorbox" uses retrofit-i2c: .*\(bus: /);
  });
});

describe('the connection handed on', () => {
  it("is the board transport's, defaults filled in, in the site config and the elevator alike", () => {
    const c = loadConfig(site('rs485-di-module', '{ path: /dev/ttyUSB0 }'));
    const want = { path: '/dev/ttyUSB0', baudRate: 9600, parity: 'none', unitId: 1 };
    expect(c.elevators[0]!.config.connection).toEqual(want);
    expect(c.site.elevators[0]!.connection).toEqual(want);
  });
});
