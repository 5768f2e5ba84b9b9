import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { built } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Which thread asks the disk to sync, seen by strace in a child process. With background
 * durability (the default) the event loop's thread never calls fsync or fdatasync once the outbox
 * is open: an SD card's slow fsync cannot stall polling. Every event batch is still made durable
 * (the child waits for it), telemetry-only batches are not forced, and checkpoints sync the WAL
 * before the database. Inline durability, run the same way, shows the test sees a main-thread sync.
 */
const script = `
  const { SqliteOutbox } = await import(${JSON.stringify(built('src/outbox/sqlite.ts'))});
  const fs = await import('node:fs');
  const [db, durability, kind, batches, marker, checkpointBytes] = process.argv.slice(1);
  const o = SqliteOutbox.open(db, { maxBytes: 64 * 1024 * 1024, retentionMs: 86400000, durability, checkpointBytes: Number(checkpointBytes) });
  fs.closeSync(fs.openSync(marker + '.begin', 'w'));
  for (let i = 0; i < Number(batches); i++) {
    const id = 'r' + String(i).padStart(6, '0');
    o.append([{ id, kind, elevatorId: 'E1', priority: kind === 'telemetry' ? 5 : 1, createdAt: Date.now(), payload: JSON.stringify({ i, pad: 'x'.repeat(2000) }) }]);
    if (kind === 'event') await o.whenDurable();
    else await new Promise((r) => setImmediate(r));
  }
  fs.closeSync(fs.openSync(marker + '.end', 'w'));
  o.close();`;

interface Syncs {
  /** fsync/fdatasync calls made by the event loop's thread between open and close. */
  main: number;
  /** …and by any other thread (libuv's pool), in order, with the file each synced. */
  pool: string[];
}

function run(tmp: ReturnType<typeof tempDir>, durability: string, kind: string, batches: number, checkpointBytes = 1024 * 1024): Syncs {
  const name = `${durability}-${kind}-${batches}-${checkpointBytes}`;
  const db = tmp.file(`${name}.db`);
  const marker = tmp.file(name);
  const log = tmp.file(`${name}.strace`);
  const r = spawnSync(
    'strace',
    [
      '-f',
      '-qq',
      '-o',
      log,
      '-e',
      'trace=openat,fsync,fdatasync',
      process.execPath,
      '--input-type=module',
      '-e',
      script,
      db,
      durability,
      kind,
      String(batches),
      marker,
      String(checkpointBytes),
    ],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n');
  const begin = lines.findIndex((l) => l.includes(`${marker}.begin"`));
  const end = lines.findIndex((l) => l.includes(`${marker}.end"`));
  expect(begin, 'the child opened its marker files').toBeGreaterThanOrEqual(0);
  const mainTid = lines[begin]!.split(/\s+/)[0];
  // Which descriptor is which file, from the openat lines (complete or resumed: "= 23").
  const files = new Map<string, string>();
  for (const l of lines) {
    const m = /openat\(.*"([^"]+)".*= (\d+)$/.exec(l);
    if (m) files.set(m[2]!, m[1]!.endsWith('-wal') ? 'wal' : m[1]!.endsWith('.db') ? 'db' : 'other');
  }
  const syncs = { main: 0, pool: [] as string[] };
  for (const l of lines.slice(begin, end)) {
    const m = /^(\d+)\s+(fsync|fdatasync)\((\d+)/.exec(l);
    if (!m) continue;
    if (m[1] === mainTid) syncs.main++;
    else syncs.pool.push(files.get(m[3]!) ?? 'other');
  }
  return syncs;
}

describe('outbox fsyncs run off the event loop', () => {
  it('20 event batches, each awaited until durable: no sync on the main thread, at least one WAL sync per batch', () => {
    const tmp = tempDir('elevgw-sync-');
    try {
      const s = run(tmp, 'background', 'event', 20);
      expect(s.main, 'syncs on the event loop').toBe(0);
      expect(s.pool.filter((f) => f === 'wal').length).toBeGreaterThanOrEqual(20);
      console.log(`background, 20 event batches: main-thread syncs ${s.main}, pool syncs ${s.pool.length}`);
    } finally {
      tmp.cleanup();
    }
  });

  it('20 telemetry-only batches are not forced to disk one by one', () => {
    const tmp = tempDir('elevgw-sync-');
    try {
      const s = run(tmp, 'background', 'telemetry', 20);
      expect(s.main).toBe(0);
      expect(s.pool.length, 'telemetry rides on later syncs').toBeLessThanOrEqual(2);
    } finally {
      tmp.cleanup();
    }
  });

  it('checkpoints (every 16 KiB here) sync the WAL before the database, never on the main thread', () => {
    const tmp = tempDir('elevgw-sync-');
    try {
      const s = run(tmp, 'background', 'event', 40, 16 * 1024);
      expect(s.main).toBe(0);
      const dbSyncs = s.pool.flatMap((f, i) => (f === 'db' ? [i] : []));
      expect(dbSyncs.length, 'checkpoints made').toBeGreaterThanOrEqual(3);
      for (const i of dbSyncs) expect(s.pool[i - 1], `the sync before database sync #${i}`).toBe('wal');
    } finally {
      tmp.cleanup();
    }
  });

  it('inline durability, traced the same way, syncs each event batch on the main thread', () => {
    const tmp = tempDir('elevgw-sync-');
    try {
      const s = run(tmp, 'inline', 'event', 20);
      expect(s.main).toBeGreaterThanOrEqual(20);
    } finally {
      tmp.cleanup();
    }
  });
});
