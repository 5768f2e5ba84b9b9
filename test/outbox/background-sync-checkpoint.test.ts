import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { eio, type Fixture, fixture } from './background-sync-disk.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Background checkpoints keep the WAL bounded without a stall and without a power cut being able
 * to lose what they copy; the disk's answers are held by the test (HeldDisk). Each commit here
 * counts as 8 KiB (two pages), so with checkpointBytes = 16 KiB every second commit checkpoints.
 */
const tmp = tempDir('elevgw-bgsync-cp-');
afterAll(() => tmp.cleanup());

const CP = 16 * 1024;
/** What the pending syncs are on, oldest first. */
const pendingFiles = (f: Fixture) => f.disk.pending.map((h) => f.fileOf(h.fd));
/** Answers the pending syncs one by one until none is left. */
const answerAll = (f: Fixture) => {
  while (f.disk.pending.length > 0) f.disk.next().done();
};

describe('background checkpoints', () => {
  it('at checkpointBytes a checkpoint syncs the WAL, then the database; after it the next commit is a plain sync', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    f.commit();
    expect(pendingFiles(f), 'below the threshold: the WAL only').toEqual(['wal']);
    f.disk.next().done();
    expect(f.disk.pending).toEqual([]);

    f.commit(); // exactly checkpointBytes
    expect(pendingFiles(f), 'the frames to copy reach the disk first').toEqual(['wal']);
    expect(f.bg.isBusy()).toBe(true);
    f.disk.next().done();
    expect(pendingFiles(f), 'then the database they were copied into').toEqual(['db']);
    f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ checkpoints: 1, commits: 2, durableCommits: 2, inlineCheckpoints: 0, failures: 0 });
    expect(f.disk.pending, 'caught up: no second round').toEqual([]);

    f.commit();
    expect(pendingFiles(f)).toEqual(['wal']);
    f.disk.next().done();
    expect(f.disk.pending, 'a plain sync, no checkpoint').toEqual([]);
    expect(f.bg.stats().checkpoints).toBe(1);
    f.close();
  });

  it('by default (1 MiB) a few small commits are only synced, never checkpointed', () => {
    const f = fixture(tmp.dir);
    for (let i = 0; i < 5; i++) {
      f.commit(true, 1000);
      expect(pendingFiles(f)).toEqual(['wal']);
      f.disk.next().done();
    }
    expect(f.bg.stats()).toMatchObject({ checkpoints: 0, durableCommits: 5 });
    f.close();
  });

  it('with quiet checkpoints the WAL file stops growing', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    const sizes: number[] = [];
    for (let round = 0; round < 10; round++) {
      f.commit(true, 3000);
      answerAll(f);
      f.commit(true, 3000); // over the threshold: a checkpoint
      answerAll(f);
      sizes.push(f.walBytes());
    }
    expect(f.bg.stats()).toMatchObject({ checkpoints: 10, inlineCheckpoints: 0, durableCommits: 20 });
    // Each checkpoint copied everything, so the next commit wrote the WAL from its start again.
    expect(sizes.at(-1)).toBe(sizes[0]);
    f.close();
  });

  it('a reader holding an old snapshot: checkpoints go round again until one catches up', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    const reader = new Database(f.path, { readonly: true }); // a `diag` process, say
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();
    f.commit();
    f.disk.next().done();
    f.commit();
    f.disk.next().done();
    f.disk.next().done();
    expect(f.bg.stats().checkpoints).toBe(1);
    expect(pendingFiles(f), 'frames the reader pins were not copied: another round at once').toEqual(['wal']);
    reader.exec('COMMIT');
    f.disk.next().done();
    f.disk.next().done();
    expect(f.bg.stats().checkpoints).toBe(2);
    expect(f.disk.pending, 'caught up').toEqual([]);
    reader.close();
    f.close();
  });

  // A commit in the WAL sync is kept out of the copy by the pin; one in the database sync comes
  // after the copy. Either leaves frames uncopied, so the WAL cannot start over: a round behind.
  for (const window of ['WAL', 'database'] as const) {
    it(`commits during every checkpoint's ${window} sync: after 8 such rounds one inline checkpoint bounds the WAL`, () => {
      const f = fixture(tmp.dir, { checkpointBytes: CP });
      f.commit();
      f.disk.next().done();
      f.commit(); // checkpoint 1 begins
      for (let i = 1; i <= 8; i++) {
        expect(pendingFiles(f), `checkpoint ${i} syncs the WAL`).toEqual(['wal']);
        if (window === 'database') {
          f.disk.next().done(); // everything there was got copied
          expect(pendingFiles(f)).toEqual(['db']);
        }
        f.commit();
        if (window === 'WAL') f.disk.next().done();
        f.disk.next().done();
        expect(f.bg.stats()).toMatchObject({ checkpoints: i, inlineCheckpoints: i < 8 ? 0 : 1 });
      }
      // The 8th could not catch up either: the valve ran inline, SQLite syncing at FULL.
      const s = f.bg.stats();
      expect(s).toMatchObject({ inlineCheckpoints: 1, checkpoints: 8, failures: 0, durableCommits: s.commits });
      expect(f.disk.pending, 'no background round after it').toEqual([]);
      expect(f.db.pragma('synchronous', { simple: true }), 'back to OFF').toBe(0);
      const walAfterValve = f.walBytes();
      for (let i = 0; i < 3; i++) {
        f.commit();
        answerAll(f);
      }
      expect(f.walBytes(), 'the WAL started over').toBe(walAfterValve);
      f.close();
    });
  }

  it('a checkpoint due from telemetry alone counts as busy before it starts, so acks wait for it', () => {
    const starts: (() => void)[] = [];
    const f = fixture(tmp.dir, { checkpointBytes: CP, schedule: (start) => starts.push(start) });
    f.commit(false);
    expect(f.bg.isBusy(), 'telemetry below the threshold: nothing due').toBe(false);
    f.commit(false); // exactly checkpointBytes counted, still no sync asked for
    expect(f.bg.isBusy()).toBe(true);
    for (const start of starts.splice(0)) start();
    expect(pendingFiles(f)).toEqual(['wal']);
    answerAll(f);
    expect(f.bg.stats()).toMatchObject({ checkpoints: 1 });
    expect(f.bg.isBusy()).toBe(false);
    f.close();
  });
});

describe('a failing checkpoint', () => {
  it('its WAL sync fails: counted, nothing copied, the pin released; the next commit checkpoints again', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    f.commit();
    f.disk.next().done();
    f.commit();
    expect(() => f.disk.next().done(eio())).not.toThrow();
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 0, durableCommits: 1 });
    expect(f.disk.pending, 'no database sync, no retry loop').toEqual([]);
    f.commit(); // would throw if the pin's read transaction were still open
    expect(pendingFiles(f)).toEqual(['wal']);
    f.disk.next().done();
    expect(pendingFiles(f)).toEqual(['db']);
    f.disk.next().done();
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 1, durableCommits: 3 });
    f.close();
  });

  it('its database sync fails: not counted as a checkpoint, logged; the next commit checkpoints again', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    f.commit();
    f.disk.next().done();
    f.commit();
    f.disk.next().done();
    expect(() => f.disk.next().done(eio())).not.toThrow();
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 0 });
    expect(f.errors.map((l) => l.msg)).toEqual([expect.stringMatching(/outbox fdatasync of the database failed/)]);
    expect(f.disk.pending).toEqual([]);
    f.commit();
    expect(pendingFiles(f), 'still over the threshold: a checkpoint, not a plain sync').toEqual(['wal']);
    answerAll(f);
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 1 });
    f.close();
  });

  it('the copy itself throws (the connection is mid-query): counted, logged, no database sync, tried again', () => {
    const f = fixture(tmp.dir, { checkpointBytes: CP });
    f.commit();
    f.disk.next().done();
    f.commit();
    const rows = f.db.prepare('SELECT x FROM t').iterate();
    rows.next(); // better-sqlite3 refuses any other statement until this ends
    expect(() => f.disk.next().done()).not.toThrow();
    rows.return?.();
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 0 });
    expect(f.errors.map((l) => l.msg)).toEqual([expect.stringMatching(/outbox checkpoint failed/)]);
    expect(f.disk.pending).toEqual([]);
    f.commit(); // would throw if the pin's read transaction were still open
    answerAll(f);
    expect(f.bg.stats()).toMatchObject({ failures: 1, checkpoints: 1 });
    f.close();
  });
});

describe('close during a checkpoint', () => {
  for (const step of ['WAL', 'database'] as const) {
    it(`while the ${step} sync is pending: the pin ends, the WAL is checkpointed away, the late answer does nothing`, () => {
      const f = fixture(tmp.dir, { checkpointBytes: CP });
      f.commit();
      f.disk.next().done();
      f.commit();
      if (step === 'database') f.disk.next().done();
      const late = f.disk.next();
      f.close();
      expect(existsSync(`${f.path}-wal`), 'the last connection closed cleanly').toBe(false);
      expect(() => late.done()).not.toThrow();
      expect(f.disk.pending).toEqual([]);
      expect(f.bg.stats()).toMatchObject({ checkpoints: 0, failures: 0 });
    });
  }
});
