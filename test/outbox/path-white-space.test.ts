import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ConfigProblem } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * better-sqlite3 trims the file name it opens, the rest of the outbox does not: an outbox path
 * ending in a space (`path: "data/outbox.db "`, quoted in the site config) had SQLite write
 * `outbox.db` while the background sync opened `outbox.db ` (a raw ENOENT, files left behind)
 * or, with inline durability, a corrupt `outbox.db` was "moved aside" from the untrimmed name,
 * i.e. not at all. Such a path is refused, by the config and by the outbox itself, naming it.
 */
const tmp = tempDir('elevgw-outbox-space-');
afterAll(() => tmp.cleanup());

describe('an outbox path with white space at an end', () => {
  for (const durability of ['background', 'inline'] as const) {
    it(`(${durability}) is refused with OUTBOX_UNAVAILABLE naming it, and no file is made`, () => {
      const dir = join(tmp.dir, durability);
      const path = join(dir, 'outbox.db ');
      let error: unknown;
      try {
        SqliteOutbox.open(path, { maxBytes: 64 * 1024 * 1024, retentionMs: 86_400_000, durability }).close();
      } catch (e) {
        error = e;
      }
      expect(isElevgwError(error) && error.code).toBe('OUTBOX_UNAVAILABLE');
      expect((error as Error).message).toContain(JSON.stringify(path));
      expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
    });
  }

  it('is refused by the site config at its line', () => {
    const file = join(tmp.dir, 'site.yaml');
    tmp.file(
      'site.yaml',
      `version: 1
gateway: { id: jh-gw-0417 }
elevators:
  - { id: L1, registrationCode: "31104201002023050417", rescueCode: "27-0417", board: generic-modbus-controller, connection: { host: 10.20.0.15 }, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }] }
uplink: { url: "mqtt://127.0.0.1:1883" }
outbox:
  path: "data/outbox.db "
`,
    );
    let problems: ConfigProblem[] = [];
    try {
      loadConfig(file);
    } catch (e) {
      problems = isElevgwError(e) ? ((e.context?.problems as ConfigProblem[]) ?? []) : [];
    }
    expect(problems).toEqual([expect.objectContaining({ path: 'outbox.path', line: 7, message: 'a path with no white space at either end' })]);
  });
});
