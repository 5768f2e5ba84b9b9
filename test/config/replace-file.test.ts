import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileStamp, replaceConfigFile } from '../../src/config/replace-file.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * How `elevgw diag learn` and the commissioning floor fix rewrite a site config
 * (src/config/replace-file.ts), as the technician finds the directory afterwards: the new file
 * with the old one's mode, a dated backup of the old one beside it, and nothing else; a text that
 * is not a valid config changes nothing at all.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const config = (label: string) => `version: 1
gateway: { id: jh-gw-0417 }
elevators:
  - id: L1
    registrationCode: "31104201002023050417"
    rescueCode: "27-0417"
    board: sim-modbus
    connection: { host: 127.0.0.1 }
    ratedSpeedMps: 1
    floors: [{ label: "1", levelMm: 0 }, { label: "${label}", levelMm: 3000 }]
uplink: { url: "mqtt://127.0.0.1:1883" }
`;

const NOW = Date.UTC(2026, 11, 2, 3, 15, 44, 123);

describe('file stamps', () => {
  it('a UTC time without separators or fractions, to the second', () => {
    expect(fileStamp(NOW)).toBe('20261202T031544Z');
    expect(fileStamp(Date.UTC(2027, 0, 9, 23, 5, 7, 9))).toBe('20270109T230507Z');
  });
});

describe('replacing a site config', () => {
  it('writes the new text with the old mode and keeps the old text as <file>.bak-<UTC time>', () => {
    const file = tmp.file('site.yaml', config('2'));
    chmodSync(file, 0o666);
    const { backup } = replaceConfigFile(file, config('2F'), NOW, 'learn');
    expect(backup).toBe(`${file}.bak-20261202T031544Z`);
    expect(readFileSync(file, 'utf8')).toBe(config('2F'));
    expect(readFileSync(backup, 'utf8')).toBe(config('2'));
    expect(statSync(file).mode & 0o777).toBe(0o666);
    expect(readdirSync(tmp.dir).sort()).toEqual(['site.yaml', 'site.yaml.bak-20261202T031544Z']);
  });

  it('a private config stays private', () => {
    const file = tmp.file('site.yaml', config('2'));
    chmodSync(file, 0o600);
    replaceConfigFile(file, config('2F'), NOW, 'commission');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a text that is not a valid config is refused with its problems, named as lines of the config (no temporary file); the file, and the directory, are as they were', () => {
    const file = tmp.file('site.yaml', config('2'));
    chmodSync(file, 0o640);
    let error: unknown;
    try {
      replaceConfigFile(file, config('1'), NOW, 'learn');
    } catch (e) {
      error = e;
    }
    expect(isElevgwError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/floors\[1\]\.label: duplicate floor label "1"/);
    const [head, ...problems] = (error as Error).message.split('\n');
    expect(head).toBe(`${file} is left as it was: the text proposed for it does not load (lines as proposed)`);
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.startsWith(`${file}:`), p).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(config('2'));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(tmp.dir)).toEqual(['site.yaml']);
  });
});
