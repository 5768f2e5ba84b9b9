import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, packageRoot, type ConfigProblem } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8');
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function problemsOf(text: string): { message: string; problems: ConfigProblem[] } {
  const file = tmp.file('site.yaml', text);
  try {
    loadConfig(file);
  } catch (e) {
    if (isElevgwError(e, 'CONFIG_INVALID')) return { message: e.message, problems: e.context.problems as ConfigProblem[] };
    throw e;
  }
  throw new Error('config was accepted');
}

describe('site config', () => {
  it('loads the demo config with the documented defaults filled in (docs/configuration.md)', () => {
    const c = loadConfig(join(packageRoot(), 'config', 'demo.yaml'));
    expect(c.elevators[0]!.board.id).toBe('sim-modbus');
    expect(c.elevators[0]!.thresholds.trapped.outsideZoneS).toBe(30);
    expect(c.elevators[0]!.thresholds.overspeed.factor).toBe(1.15);
    expect(c.site.uplink.topicPrefix).toBe('elevgw/v1');
  });

  it('refuses a wrong type, naming file, line and path', () => {
    const { message, problems } = problemsOf(demo.replace('ratedSpeedMps: 1.75', 'ratedSpeedMps: fast'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('elevators[0].ratedSpeedMps');
    expect(problems[0]!.line).toBe(demo.split('\n').findIndex((l) => l.includes('ratedSpeedMps')) + 1);
    expect(message).toMatch(/site\.yaml:\d+:\d+ elevators\[0\]\.ratedSpeedMps: expected number, got string/);
  });

  it('refuses an unknown board and lists the known ones', () => {
    const { message } = problemsOf(demo.replace('board: sim-modbus', 'board: acme-9000'));
    expect(message).toMatch(/elevators\[0\]\.board: unknown board "acme-9000" \(expected one of: .*sim-modbus/);
  });

  it('refuses floors that do not ascend', () => {
    const { problems } = problemsOf(demo.replace('{ label: "3", levelMm: 9000 }', '{ label: "3", levelMm: 5000 }'));
    expect(problems.map((p) => p.path)).toEqual(['elevators[0].floors[3].levelMm']);
    expect(problems[0]!.message).toMatch(/floors must ascend: 5000 mm is not above floor "2"/);
  });

  it('refuses a missing registration code', () => {
    const { problems } = problemsOf(demo.replace(/ +registrationCode: .*\n/, ''));
    expect(problems[0]!.path).toBe('elevators[0].registrationCode');
    expect(problems[0]!.message).toMatch(/required/);
  });

  it('reports every problem at once, and unknown keys', () => {
    const text = demo.replace('ratedSpeedMps: 1.75', 'ratedSpeedMps: -1').replace('rescueCode: "JH-10001"', 'rescueCode: "JH-10001"\n    colour: red');
    const { problems } = problemsOf(text);
    expect(problems.map((p) => p.path).sort()).toEqual(['elevators[0]', 'elevators[0].ratedSpeedMps']);
    expect(problems.find((p) => p.path === 'elevators[0]')!.message).toMatch(/unknown key\(s\) "colour"/);
  });

  it('refuses a per-elevator rule override of the wrong type', () => {
    const text = demo.replace('    ratedSpeedMps: 1.75', '    ratedSpeedMps: 1.75\n    rules: { trapped: { outsideZoneS: "soon" } }');
    const { problems } = problemsOf(text);
    expect(problems[0]!.path).toBe('elevators[0].rules.trapped.outsideZoneS');
  });

  it('applies a per-elevator override over the site thresholds', () => {
    const text = demo.replace('    ratedSpeedMps: 1.75', '    ratedSpeedMps: 1.75\n    rules: { trapped: { outsideZoneS: 20 } }');
    const c = loadConfig(tmp.file('site.yaml', text));
    expect(c.elevators[0]!.thresholds.trapped).toEqual({ outsideZoneS: 20, insideZoneS: 120 });
  });

  it('reports YAML syntax errors with their line', () => {
    const { message } = problemsOf('version: 1\ngateway: { id: x\n');
    expect(message).toMatch(/site\.yaml:\d+:\d+ .*YAML syntax/);
  });

  it('refuses a config version newer than this elevgw reads', () => {
    const file = tmp.file('site.yaml', demo.replace('version: 1', 'version: 9'));
    expect(() => loadConfig(file)).toThrow(/reads config version ≤ 1, got 9/);
  });

  it('refuses a connection that does not fit the board transport', () => {
    const { message } = problemsOf(demo.replace('connection: { host: 127.0.0.1, port: 1502, unitId: 1 }', 'connection: { path: /dev/ttyUSB0, baudRate: 9600 }'));
    expect(message).toMatch(/elevators\[0\]\.connection: board "sim-modbus" uses modbus-tcp/);
  });

  it('validates the shipped example configs', () => {
    expect(() => loadConfig(join(packageRoot(), 'config', 'site.example.yaml'))).not.toThrow();
  });
});

describe('board profiles', () => {
  it('refuses a point in an unknown poll group, naming the board file and path', () => {
    const boards = tempDir();
    try {
      boards.file(
        'bad-box.yaml',
        'id: bad-box\ntransport: modbus-tcp\npollGroups: [{ name: fast, intervalMs: 100 }]\npoints:\n  - { name: p, signal: occupied, group: slow, source: { table: holding, address: 1, bit: 0 } }\n',
      );
      const site = tmp.file('site.yaml', `${demo.replace('board: sim-modbus', 'board: bad-box')}boardsDir: ${boards.dir}\n`);
      expect(() => loadConfig(site)).toThrow(/bad-box\.yaml:5:\d+ points\[0\]\.group: unknown poll group "slow"/);
    } finally {
      boards.cleanup();
    }
  });
  it('reads only the boards the site names: a site board overrides the shipped one, a broken unused one is left alone', () => {
    const boards = tempDir();
    try {
      const shipped = readFileSync(join(packageRoot(), 'boards', 'sim-modbus.yaml'), 'utf8');
      boards.file('sim-modbus.yaml', shipped.replace('{ name: fast, intervalMs: 100 }', '{ name: fast, intervalMs: 50 }'));
      boards.file('unused-box.yaml', 'id: unused-box\ntransport: modbus-tcp\npoints: [oops\n');
      const c = loadConfig(tmp.file('site.yaml', `${demo}boardsDir: ${boards.dir}\n`));
      expect(c.elevators[0]!.board.pollGroups).toEqual([expect.objectContaining({ name: 'fast', intervalMs: 50 })]);
      const { message } = problemsOf(`${demo.replace('board: sim-modbus', 'board: acme-9000')}boardsDir: ${boards.dir}\n`);
      expect(message).toMatch(/unknown board "acme-9000" \(expected one of: .*sim-modbus.*unused-box/);
    } finally {
      boards.cleanup();
    }
  });
});
