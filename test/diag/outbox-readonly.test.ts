import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { built } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';
import { elevgw } from './cli-run.js';

/**
 * `diag outbox` reads and changes nothing on disk: the directory holding the database is listed
 * (names, sizes, mtimes, modes, owners of the database, its -wal and -shm) before and after, for a
 * missing database, one a writer holds open, one a killed writer left behind with its WAL, and a
 * file that is no database. The test runs as whoever runs the suite — root on the CI machine, the
 * case where a stray file would be root-owned and lock the service out.
 */
const tmp = tempDir('elevgw-diag-outbox-');
afterAll(() => tmp.cleanup());

const SQLITE_OUTBOX = built('src/outbox/sqlite.ts');
let n = 0;

function site(outboxPath: string): string {
  const yaml = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace('path: ../data/demo-outbox.db', `path: ${outboxPath}`);
  return tmp.file(`site-${n++}.yaml`, yaml);
}

function listing(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort().map((name) => {
    const s = lstatSync(join(dir, name));
    return `${name} size=${s.size} mtime=${s.mtimeMs} mode=${s.mode.toString(8)} owner=${s.uid}:${s.gid}`;
  });
}

function records(from: number, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `01JDZ7Q4X8V1N6S2K3M9T${String(from + i).padStart(5, '0')}`,
    kind: 'event' as const,
    elevatorId: 'E1',
    priority: PRIORITY.fault,
    createdAt: Date.now() - 60_000,
    payload: '{}',
  }));
}

interface OutboxJson {
  ok: boolean;
  live?: boolean;
  pending?: number;
  delivered?: number;
  problem?: string;
}

async function diagOutbox(config: string, ...more: string[]): Promise<{ status: number | null; json: OutboxJson; stderr: string }> {
  const r = await elevgw(['diag', 'outbox', '--config', config, '--json', ...more]);
  return { status: r.status, json: JSON.parse(r.stdout) as OutboxJson, stderr: r.stderr };
}

let writer: SqliteOutbox | undefined;
afterEach(() => {
  writer?.close();
  writer = undefined;
});

describe('diag outbox is read-only', () => {
  it('a missing database: a clear line, exit 1, and nothing created (not even its directory)', async () => {
    const dir = join(tmp.dir, 'missing');
    mkdirSync(dir);
    const config = site(join(dir, 'state', 'outbox.db'));
    const before = listing(tmp.dir);
    const r = await elevgw(['diag', 'outbox', '--config', config]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      `✗ no outbox database at ${join(dir, 'state', 'outbox.db')}: the gateway has not run with this config yet, or outbox.path points elsewhere (nothing was created)`,
    );
    const json = await diagOutbox(config);
    expect([json.status, json.json.problem]).toEqual([1, 'missing']);
    expect(listing(tmp.dir)).toEqual(before);
  });

  it('a database a writer holds open: read live and consistently, rows still in the WAL counted, no file touched', async () => {
    const dir = join(tmp.dir, 'live');
    writer = SqliteOutbox.open(join(dir, 'outbox.db'), { maxBytes: 1e8, retentionMs: 1e9 });
    writer.append(records(0, 25));
    writer.ack(records(0, 5).map((r) => r.id));
    await writer.whenDurable(); // the writer's own background sync (and the acks it held) done: nothing moves but diag
    const before = listing(dir);
    expect(before.map((l) => l.split(' ')[0])).toEqual(['outbox.db', 'outbox.db-shm', 'outbox.db-wal']);
    const r = await diagOutbox(site(join(dir, 'outbox.db')));
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, live: true, pending: 20, delivered: 5 });
    expect(listing(dir)).toEqual(before);
  });

  it('while a writer appends batch after batch, each reading is one whole snapshot', async () => {
    const dir = join(tmp.dir, 'writing');
    mkdirSync(dir);
    const path = join(dir, 'outbox.db');
    // A second process appending ten records per transaction, as the gateway appends one detection step.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      import { SqliteOutbox } from ${JSON.stringify(SQLITE_OUTBOX)};
      const o = SqliteOutbox.open(${JSON.stringify(path)}, { maxBytes: 1e8, retentionMs: 1e9 });
      let n = 0;
      const batch = () => { o.append(Array.from({ length: 10 }, () => ({ id: 'r' + n++, kind: 'event', elevatorId: 'E1', priority: 1, createdAt: Date.now(), payload: '{}' }))); if (n === 10) console.log('ready'); };
      setInterval(batch, 2);
    `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      const config = site(path);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await diagOutbox(config);
        expect(r.json.live, JSON.stringify(r.json)).toBe(true);
        seen.push(r.json.pending!);
      }
      for (const p of seen) expect(p % 10, `pending ${p}: a batch read half-written`).toBe(0);
      expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a database a killed writer left with its WAL: every row read, the WAL neither checkpointed nor its index rebuilt', async () => {
    const dir = join(tmp.dir, 'killed');
    mkdirSync(dir);
    const path = join(dir, 'outbox.db');
    spawnSync(process.execPath, [
      '--input-type=module',
      '-e',
      `
      import { SqliteOutbox } from ${JSON.stringify(SQLITE_OUTBOX)};
      const o = SqliteOutbox.open(${JSON.stringify(path)}, { maxBytes: 1e8, retentionMs: 1e9 });
      o.append(Array.from({ length: 12 }, (_, i) => ({ id: 'k' + i, kind: 'event', elevatorId: 'E1', priority: 1, createdAt: Date.now(), payload: '{}' })));
      process.kill(process.pid, 'SIGKILL');
    `,
    ]);
    const before = listing(dir);
    expect(before.map((l) => l.split(' ')[0])).toEqual(['outbox.db', 'outbox.db-shm', 'outbox.db-wal']);
    const r = await diagOutbox(site(path));
    expect(r.json).toMatchObject({ ok: true, live: false, pending: 12 });
    expect(listing(dir)).toEqual(before);
  });

  it('a file that is no database: said so, exit 1, and left where it is (never moved aside)', async () => {
    const dir = join(tmp.dir, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'outbox.db'), 'not sqlite at all, but somebody wanted this file\n'.repeat(200));
    const before = listing(dir);
    const r = await elevgw(['diag', 'outbox', '--config', site(join(dir, 'outbox.db')), '--lang', 'zh']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^✗ .*outbox\.db 不是可用的 elevgw 发送队列（SQLITE_NOTADB/);
    expect(listing(dir)).toEqual(before);
  });
});
