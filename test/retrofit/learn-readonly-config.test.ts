import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

/**
 * A technician runs `elevgw diag learn --config /etc/elevgw/site.yaml` as a user who may read the
 * config but not write its directory (on site /etc/elevgw is root's). Minutes of car trips must not
 * end in a raw EACCES naming a temporary file: learn refuses before the box is opened (exit 2, the
 * file named, sudo advised), and a write that fails anyway says which config and why, in words.
 * The denial is simulated (the tests run as root, who may write anywhere): every path under a
 * directory named `ro` is denied.
 */

const denied = (p: unknown) => typeof p === 'string' && /[/\\]ro([/\\]|$)/.test(p);
const eacces = (p: string) => Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES', errno: -13, syscall: 'open', path: p });

vi.mock('node:fs', async (orig) => {
  const fs = await orig<typeof import('node:fs')>();
  return {
    ...fs,
    accessSync: (p: unknown, mode?: number) => {
      if (denied(p) && mode !== undefined && (mode & fs.constants.W_OK) !== 0) throw eacces(String(p));
      return fs.accessSync(p as string, mode);
    },
    writeFileSync: (p: unknown, ...rest: unknown[]) => {
      if (typeof p === 'string' && /\.learn-\d+$/.test(p)) throw eacces(p);
      return (fs.writeFileSync as (...a: unknown[]) => void)(p, ...rest);
    },
  };
});

const opened = vi.fn();
vi.mock('../../drivers/factory.js', () => ({
  createDriver: async () => {
    opened();
    return { kind: 'retrofit', open: async () => {}, close: async () => {}, health: () => ({ link: 'open' }), poll: async () => new Map() };
  },
}));

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const TEXT = `version: 1
gateway: { id: jh-gw-0417 }
elevators:
  - id: L1
    registrationCode: "31104201002023050417"
    rescueCode: "27-0417"
    board: retrofit-pi-i2c-sensorbox
    ratedSpeedMps: 1
    floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }]
uplink: { url: "mqtt://127.0.0.1:1883" }
runtime: { diagSocket: ./diag.sock }
`;

describe('learn result into a config the user may not write', () => {
  it('refuses before the run, exit 2, naming the config and advising sudo, without opening the box', async () => {
    mkdirSync(join(tmp.dir, 'ro'));
    const file = tmp.file('ro/site.yaml', TEXT);
    const out: string[] = [];
    const [log, err] = [console.log, console.error];
    console.log = (m: unknown) => out.push(String(m));
    console.error = (m: unknown) => out.push(String(m));
    let thrown: unknown;
    try {
      const { buildProgram } = await import('../../src/cli/program.js');
      await buildProgram().exitOverride().parseAsync(['node', 'elevgw', 'diag', 'learn', '--config', file, '--yes', '--timeout', '1', '--lang', 'en']);
    } catch (e) {
      thrown = e;
    } finally {
      [console.log, console.error] = [log, err];
    }
    const { isElevgwError } = await import('../../src/core/errors.js');
    expect(isElevgwError(thrown, 'CONFIG_UNWRITABLE')).toBe(true); // main.ts: exit 2
    const message = (thrown as Error).message;
    expect(message).toContain(file);
    expect(message).toMatch(/permission denied.*sudo/s);
    expect(opened).not.toHaveBeenCalled();
    expect(out.join('\n')).not.toMatch(/Learning run: put the car/);
  });

  it('a write that fails anyway names the config in words, not a raw errno on a temp file', async () => {
    const { replaceConfigFile } = await import('../../src/config/replace-file.js');
    const { isElevgwError } = await import('../../src/core/errors.js');
    const file = tmp.file('site.yaml', TEXT);
    let err: unknown;
    try {
      replaceConfigFile(file, TEXT.replace('levelMm: 3000', 'levelMm: 3010'), Date.now(), 'learn');
    } catch (e) {
      err = e;
    }
    expect(isElevgwError(err, 'CONFIG_UNWRITABLE')).toBe(true);
    const message = (err as Error).message;
    expect(message).not.toMatch(/\.learn-\d+/);
    expect(message).toContain(file);
    expect(message).toMatch(/may not write there/);
  });
});
