import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { replaceConfigFile } from '../../src/config/replace-file.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A technician's tool (`elevgw diag learn`, the commissioning floor fix) proposes a new text for
 * the site config; when it does not load, the file stays as it was and the error names that file
 * (the one the technician knows), never a temporary file that no longer exists.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const config = (label: string) => `version: 1
gateway: { id: jh-gw-0417 }
elevators:
  - { id: L1, registrationCode: "31104201002023050417", rescueCode: "27-0417", board: sim-modbus, connection: { host: 127.0.0.1 }, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "${label}", levelMm: 3000 }] }
uplink: { url: "mqtt://127.0.0.1:1883" }
`;

describe('a refused replacement of the site config', () => {
  it('leaves the file as it was, writes no file beside it, and names the config file, not a temporary one', () => {
    const file = tmp.file('site.yaml', config('2'));
    let message = '';
    try {
      replaceConfigFile(file, config('1'), Date.UTC(2026, 11, 2), 'learn');
    } catch (e) {
      message = (e as Error).message;
    }
    const [head, ...problems] = message.split('\n');
    expect(head).toBe(`${file} is left as it was: the text proposed for it does not load (lines as proposed)`);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(/duplicate floor label "1"/);
    // Each problem line starts with file:line:col of the config itself.
    for (const p of problems) expect(p.startsWith(`${file}:`), p).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(config('2'));
    expect(readdirSync(dirname(file))).toEqual(['site.yaml']);
    expect(existsSync(`${file}.learn-${process.pid}`)).toBe(false);
  });
});
