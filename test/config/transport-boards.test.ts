import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_BOARDS_DIR, loadBoards, loadConfig, packageRoot, type ConfigProblem } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';
import { configProblems } from '../helpers/config-refusal.js';

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
const DEMO_CONNECTION = 'connection: { host: 127.0.0.1, port: 1502, unitId: 1 }';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** The demo site with its elevator on another board and connection (null: none). */
function site(board: string, connection: string | null): string {
  return demo.replace('board: sim-modbus', `board: ${board}`).replace(`    ${DEMO_CONNECTION}\n`, connection === null ? '' : `    connection: ${connection}\n`);
}

const problemsOf = (text: string): ConfigProblem[] => configProblems(tmp.file('site.yaml', text));

describe('boards of every transport', () => {
  it('ships valid serial-framed, gpio and firmata profiles', () => {
    const boards = loadBoards([BUILTIN_BOARDS_DIR]);
    expect(boards.get('serial-sensorbox')?.profile.transport).toBe('serial-framed');
    expect(boards.get('pi-gpio-sensorbox')?.profile.transport).toBe('gpio');
    expect(boards.get('arduino-firmata-sensorbox')?.profile.transport).toBe('firmata');
  });

  it('refuses an unknown transport, listing the known ones, with file and line', () => {
    const boards = tempDir();
    try {
      boards.file('x-box.yaml', 'id: x-box\ntransport: can-bus\npollGroups: [{ name: g, intervalMs: 100 }]\npoints: []\n');
      const text = `${site('x-box', '{ path: /dev/ttyUSB0 }')}boardsDir: ${boards.dir}\n`;
      expect(() => loadConfig(tmp.file('site.yaml', text))).toThrow(
        /x-box\.yaml:2:\d+ transport: Invalid discriminator value\. Expected 'modbus-tcp' \| .*'serial-framed' \| 'gpio' \| 'firmata'/,
      );
    } finally {
      boards.cleanup();
    }
  });

  it('refuses a frame field beyond the payload and a point source of another transport', () => {
    const boards = tempDir();
    try {
      boards.file(
        'y-box.yaml',
        [
          'id: y-box',
          'transport: serial-framed',
          'framing: { kind: length-prefixed, sync: [0xAA], length: { size: 1 }, maxLength: 4 }',
          'pollGroups: [{ name: g, intervalMs: 100 }]',
          'points:',
          '  - { name: a, group: g, source: { offset: 2, type: i32 } }',
          '',
        ].join('\n'),
      );
      const message = (text: string) => {
        try {
          loadConfig(tmp.file('site.yaml', text));
        } catch (e) {
          return (e as Error).message;
        }
        return 'accepted';
      };
      expect(message(`${site('y-box', '{ path: /dev/ttyUSB0 }')}boardsDir: ${boards.dir}\n`)).toMatch(
        /y-box\.yaml:6:\d+ points\[0\]\.source\.offset: field ends at byte 6, beyond the payload's maxLength 4/,
      );
      boards.file('y-box.yaml', readFileSync(boards.file('y-box.yaml'), 'utf8').replace('{ offset: 2, type: i32 }', '{ table: holding, address: 0 }'));
      expect(message(`${site('y-box', '{ path: /dev/ttyUSB0 }')}boardsDir: ${boards.dir}\n`)).toMatch(/y-box\.yaml:6:\d+ points\[0\]\.source\.offset: required/);
    } finally {
      boards.cleanup();
    }
  });
});

describe("an elevator's connection must fit its board's transport", () => {
  it('serial-framed: { path } with the protocol default baud rate, nothing Modbus added', () => {
    const c = loadConfig(tmp.file('site.yaml', site('serial-sensorbox', '{ path: /dev/ttyUSB0 }')));
    expect(c.elevators[0]!.config.connection).toEqual({ path: '/dev/ttyUSB0', baudRate: 115200 });
  });

  it('firmata: { path } at StandardFirmata’s 57600 baud', () => {
    const c = loadConfig(tmp.file('site.yaml', site('arduino-firmata-sensorbox', '{ path: /dev/ttyACM0 }')));
    expect(c.elevators[0]!.config.connection).toEqual({ path: '/dev/ttyACM0', baudRate: 57600 });
  });

  it('gpio: no connection at all, or the chip to use', () => {
    expect(loadConfig(tmp.file('site.yaml', site('pi-gpio-sensorbox', null))).elevators[0]!.config.connection).toBeUndefined();
    expect(loadConfig(tmp.file('site.yaml', site('pi-gpio-sensorbox', '{ chip: pinctrl-rp1 }'))).elevators[0]!.config.connection).toEqual({ chip: 'pinctrl-rp1' });
  });

  it('names the expected shape, the file line and the path when it does not fit', () => {
    const text = site('serial-sensorbox', '{ host: 10.0.0.5, port: 502 }');
    const [p] = problemsOf(text);
    expect(p).toMatchObject({ path: 'elevators[0].connection', line: text.split('\n').findIndex((l) => l.includes('connection:')) + 1 });
    expect(p!.message).toMatch(/board "serial-sensorbox" uses serial-framed: expected connection \{ path, baudRate\?: 115200 \}, got \{ host, port \}/);
  });

  it('gpio with a serial path, and Modbus without any connection, are refused', () => {
    expect(problemsOf(site('pi-gpio-sensorbox', '{ path: /dev/ttyUSB0 }'))[0]!.message).toMatch(
      /uses gpio: expected connection \{ chip\?: "pinctrl-…" \} or none, got \{ path \} \(unknown key\(s\) path\)/,
    );
    expect(problemsOf(site('sim-modbus', null))[0]!.message).toMatch(/uses modbus-tcp: expected connection \{ host, port\?: 502, unitId\?: 1 \}, but there is none/);
  });

  it('keeps Modbus RTU connections as they were', () => {
    const boards = tempDir();
    try {
      boards.file(
        'rtu-box.yaml',
        readFileSync(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'), 'utf8').replace('id: sim-modbus', 'id: rtu-box').replace('transport: modbus-tcp', 'transport: modbus-rtu'),
      );
      const text = `${site('rtu-box', '{ path: /dev/ttyUSB0, baudRate: 19200 }')}boardsDir: ${boards.dir}\n`;
      expect(loadConfig(tmp.file('site.yaml', text)).elevators[0]!.config.connection).toEqual({ path: '/dev/ttyUSB0', baudRate: 19200, parity: 'none', unitId: 1 });
    } finally {
      boards.cleanup();
    }
  });
});
