import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/platform/store/open.js';
import { CLI } from '../helpers/child-gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `elevgw platform maintenance` reads the evidence the platform service stored. Given a SQLite
 * path with no database (a typo, run from another directory than the service's), it answered with
 * an empty report, exit 0, from a database it had just created there.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const report = (...args: string[]) => spawnSync(process.execPath, [CLI, 'platform', 'maintenance', ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 30_000 });

describe('elevgw platform maintenance', () => {
  it('no database at --db (or at the default, where it is run): refused, exit 2, nothing created', () => {
    for (const args of [['--csv'], ['--db', 'platfrom.db', '--csv']]) {
      const r = report(...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^elevgw: CONFIG_NOT_FOUND\n--db: no platform database at \//);
      expect(r.stdout).toBe('');
    }
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it("the service's database: the report, exit 0", async () => {
    const db = join(tmp.dir, 'platform.db');
    await (await openStore(db, Date.now())).close();
    const r = report('--db', db, '--csv');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^gateway_id,elevator_id,registration_code,/);
    expect(existsSync(db)).toBe(true);
  });

  it('--from after --to (swapped dates), or --from the same as --to, is refused naming both: exit 2, no all-clear report', async () => {
    const db = join(tmp.dir, 'platform.db');
    await (await openStore(db, Date.now())).close();
    const swapped = report('--db', db, '--from', '2026-12-01', '--to', '2026-11-01', '--csv');
    expect(swapped.status, swapped.stdout).toBe(2);
    expect(swapped.stderr).toContain('--from 2026-12-01T00:00:00.000Z is not before --to 2026-11-01T00:00:00.000Z');
    expect(swapped.stdout).toBe('');
    const empty = report('--db', db, '--from', '2026-11-01', '--to', '2026-11-01');
    expect(empty.status, empty.stdout).toBe(2);
    expect(empty.stderr).toContain('--from 2026-11-01T00:00:00.000Z is not before --to 2026-11-01T00:00:00.000Z');
    const future = report('--db', db, '--from', '2999-01-01');
    expect(future.status, future.stdout).toBe(2);
    expect(future.stderr).toMatch(/--from 2999-01-01T00:00:00.000Z is not before --to \(now\) 20/);
  });

  it("a time with its offset (Wuhan's +08:00) is that instant: the window's ends as the operator wrote them", async () => {
    const db = join(tmp.dir, 'platform.db');
    await (await openStore(db, Date.now())).close();
    // 1 May 00:00 in Wuhan is 30 April 16:00 UTC: a window ending there and starting after it is refused, naming the UTC instants.
    const local = report('--db', db, '--from', '2026-04-30T17:00:00Z', '--to', '2026-05-01T00:00:00+08:00');
    expect(local.status, local.stdout).toBe(2);
    expect(local.stderr).toContain('--from 2026-04-30T17:00:00.000Z is not before --to 2026-04-30T16:00:00.000Z');
    const ok = report('--db', db, '--from', '2026-04-01T00:00:00+08:00', '--to', '2026-05-01T00:00:00+08:00', '--csv');
    expect(ok.status, ok.stderr).toBe(0);
    const bad = report('--db', db, '--to', '2026-05-01 00:00');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--to: expected an ISO date (2026-12-01) or a time with Z or an offset (2026-12-01T08:00:00+08:00), got "2026-05-01 00:00"');
    const month = report('--db', db, '--from', '2026-13-01');
    expect(month.status).toBe(2);
    expect(month.stderr).toContain('--from: expected an ISO date (2026-12-01) or a time with Z or an offset (2026-12-01T08:00:00+08:00), got "2026-13-01"');
  });
});
