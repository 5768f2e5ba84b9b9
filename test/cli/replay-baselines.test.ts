import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/cli/replay.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `elevgw replay --baselines DB` on a file SQLite cannot read names the option and the file, as a
 * missing file or one without baselines does, instead of SQLite's bare "file is not a database".
 */
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('replay --baselines on what is not a gateway database', () => {
  const log = tmp.file('log.jsonl', '{"t":0,"speedMps":0,"door":"closed"}\n{"t":100,"speedMps":0,"door":"closed"}\n');
  const opts = { ratedSpeed: '1', floors: '0,3000', elevator: 'E1' };

  it('a file that is not a database', () => {
    const notDb = tmp.file('not-a-db.db', 'hello, this is not SQLite\n'.repeat(10));
    expect(() => runReplay(log, { ...opts, baselines: notDb })).toThrow(`--baselines: ${notDb} cannot be read as a gateway's database (file is not a database)`);
  });

  it('a directory', () => {
    const dir = join(tmp.dir, 'a-dir');
    mkdirSync(dir);
    expect(() => runReplay(log, { ...opts, baselines: dir })).toThrow(new RegExp(`^--baselines: ${dir} cannot be read as a gateway's database \\(`));
  });
});
