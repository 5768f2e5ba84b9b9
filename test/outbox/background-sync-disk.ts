import { fstatSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '../../src/core/log.js';
import { BackgroundSync, type BackgroundSyncOptions } from '../../src/outbox/background-sync.js';

/** One fsync or fdatasync the class asked for, held until the test answers it. */
interface Held {
  op: 'fdatasync' | 'fsync';
  fd: number;
  /** Answers it: success, or the given error (EIO from a dying card). */
  done(err?: NodeJS.ErrnoException): void;
}

/** A disk that answers only when the test says so: the order of events is the test's, not the card's. */
class HeldDisk implements NonNullable<BackgroundSyncOptions['fs']> {
  readonly pending: Held[] = [];
  fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void {
    this.hold('fdatasync', fd, cb);
  }
  fsync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void {
    this.hold('fsync', fd, cb);
  }
  private hold(op: Held['op'], fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void {
    let answered = false; // a disk answers once
    this.pending.push({
      op,
      fd,
      done: (err) => {
        if (answered) return;
        answered = true;
        cb(err ?? null);
      },
    });
  }
  /** The oldest call not yet answered; the test fails if there is none. */
  next(): Held {
    const h = this.pending.shift();
    if (!h) throw new Error('no sync is pending');
    return h;
  }
}

export const eio = (): NodeJS.ErrnoException => Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO', errno: -5, syscall: 'fdatasync' });

/** Lets queued callbacks and promise reactions run (no timer: nothing here waits on time). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Whether a promise has resolved by now. */
export async function isResolved(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await settle();
  return done;
}

export interface Fixture {
  path: string;
  db: Database.Database;
  bg: BackgroundSync;
  disk: HeldDisk;
  /** The directory's fsync made at construction, taken out of `disk.pending`; close() answers it. */
  dirSync: Held | undefined;
  /** Error lines logged, parsed. */
  errors: { msg: string; err: string; failures: number }[];
  /** Inserts a row of `bytes` and reports the commit, as SqliteOutbox does after each transaction. */
  commit(durable?: boolean, bytes?: number): void;
  /** Which file a descriptor is open on now (by inode), or 'closed'. */
  fileOf(fd: number): 'wal' | 'db' | 'dir' | 'closed' | 'other';
  walBytes(): number;
  /** bg.close(), the connection's close, closeFiles(): SqliteOutbox's order. */
  close(): void;
}

let n = 0;

/** A WAL database with one table, a BackgroundSync on it over a HeldDisk, in `dir`. */
export function fixture(dir: string, o: Omit<BackgroundSyncOptions, 'logger' | 'fs'> = {}): Fixture {
  const path = join(dir, `bg-${++n}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (x TEXT NOT NULL)');
  const insert = db.prepare<[string]>('INSERT INTO t (x) VALUES (?)');
  const disk = new HeldDisk();
  const errors: Fixture['errors'] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => errors.push(JSON.parse(l)) } });
  // Started at once unless the test passes `schedule: undefined` (the default): each test orders the steps itself.
  const bg = new BackgroundSync(db, path, { schedule: (start) => start(), ...o, logger, fs: disk }, () => new Database(path, { fileMustExist: true }));
  const dirSync = disk.pending[0]?.op === 'fsync' ? disk.pending.shift() : undefined;
  const ino = (p: string) => {
    try {
      return statSync(p).ino;
    } catch {
      return -1;
    }
  };
  return {
    path,
    db,
    bg,
    disk,
    dirSync,
    errors,
    commit(durable = true, bytes = 0) {
      insert.run('x'.repeat(bytes));
      bg.committed(bytes, durable);
    },
    fileOf(fd) {
      let at: number;
      try {
        at = fstatSync(fd).ino;
      } catch {
        return 'closed';
      }
      if (at === ino(`${path}-wal`)) return 'wal';
      if (at === ino(path)) return 'db';
      if (at === ino(dirname(path))) return 'dir';
      return 'other';
    },
    walBytes: () => statSync(`${path}-wal`).size,
    close() {
      dirSync?.done(); // its callback closes the directory's descriptor
      const files = bg.close();
      db.close();
      files.closeFiles();
    },
  };
}
