import { closeSync, fdatasync, fsync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';

/** What the durability thread has done; for `diag outbox`, the status record and tests. */
export interface SyncStats {
  /** Commits made on the connection, and how many of them are known to be on disk. */
  commits: number;
  durableCommits: number;
  syncs: number;
  checkpoints: number;
  /** Longest fdatasync seen, ms: how slow the card is (the event loop never waits for it). */
  maxSyncMs: number;
  /** Checkpoints done inline because writes never paused long enough for one in the background. */
  inlineCheckpoints: number;
  failures: number;
}

export interface BackgroundSyncOptions {
  logger: Logger;
  /** Checkpoint the WAL into the database after about this many bytes were committed (default 1 MiB). */
  checkpointBytes?: number;
  /** Called whenever a sync or checkpoint has ended and none runs: writes deferred meanwhile may go now. */
  onSettled?: () => void;
  /**
   * The two calls that reach the disk, node:fs's unless given. A test passes its own to hold a
   * sync pending, complete it or fail it with EIO: when the card answers is the one thing this
   * class reacts to, and a real disk answers too fast and never fails.
   */
  fs?: {
    fdatasync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
    fsync(fd: number, cb: (err: NodeJS.ErrnoException | null) => void): void;
  };
  /**
   * When the sync or checkpoint a commit asks for is started. Default: `queueMicrotask`, once the
   * code that committed has run to its end, so the uplink's publish of the same rows reaches the
   * socket first (handing an fdatasync to libuv's thread pool costs ~0.1 ms of the main thread,
   * a checkpoint more); commits of one tick then share that start. A test that orders every step
   * itself passes `(start) => start()`.
   */
  schedule?: (start: () => void) => void;
}

const PAGE_BYTES = 4096;
/** Background checkpoints in a row that could not copy everything before one is done inline. */
const MAX_BEHIND = 8;

/**
 * Durability off the event loop. The connection runs with synchronous=OFF and no automatic
 * checkpoint, so a commit is a few write() calls into the page cache — it survives the process
 * being killed, and the event loop never waits for the card. What a power cut needs, the fsyncs,
 * runs here on libuv's thread pool (fs.fdatasync), never on the main thread:
 *
 * - **Group commit.** After a commit that asks for it (a batch holding an event) one fdatasync of
 *   the WAL starts, in a microtask: the code that committed, the uplink's publish of the same rows
 *   included, runs to its end first. Commits made while it runs are covered by the next one.
 *   `durableCommits` counts what is on disk. The uplink publishes as soon as the commit returns:
 *   until the fsync returns the event exists only in memory whether we publish first or not, so
 *   publishing early loses nothing a commit-first design would keep.
 * - **Delivered only when durable.** An ack is an UPDATE that comes after the row's INSERT in the
 *   WAL. SQLite's WAL frames carry a running checksum and recovery keeps only the valid prefix,
 *   so a delivered mark can never survive a power cut that its row did not.
 * - **Checkpoints without a stall.** Copying WAL pages into the database is done by the
 *   connection itself (page-cache writes, no fsync at synchronous=OFF), in the order that keeps
 *   a power cut harmless: (1) a second connection opens a read transaction, which pins the WAL
 *   (no writer may restart it) and caps the checkpoint at the frames that exist now; (2) the WAL
 *   is fdatasync'ed, so every frame to be copied is on disk; (3) PASSIVE checkpoint, no fsync;
 *   (4) the database file is fdatasync'ed; (5) the read transaction ends, and only now may a
 *   writer reuse the WAL. A power cut anywhere in between replays the WAL over the database.
 *
 * SQLite would do the same fsyncs inline at synchronous=FULL: on an SD card tens of
 * milliseconds each, with every elevator's polling waiting behind them. A worker thread owning
 * the connection would also keep them off the loop, but costs a second V8 isolate (≈9 MB of a
 * Pi's RAM) and makes every read of the outbox asynchronous.
 */
export class BackgroundSync {
  private walFd: number | undefined;
  /** The database file, for step (4). Closed only after SQLite's own connections (see close). */
  private readonly dbFd: number;
  private readonly pin: Database.Database;
  private readonly checkpointBytes: number;
  private readonly fs: NonNullable<BackgroundSyncOptions['fs']>;
  private commits = 0;
  private durable = 0;
  /** The newest commit that asked to be made durable. */
  private wanted = 0;
  private bytesSinceCheckpoint = 0;
  private busy = false;
  private behind = 0;
  private closed = false;
  private waiters: { commit: number; resolve: () => void }[] = [];
  /** A start is scheduled (see BackgroundSyncOptions.schedule) and has not run yet. */
  private kickScheduled = false;
  private readonly schedule: (start: () => void) => void;
  private readonly scheduledKick = () => {
    this.kickScheduled = false;
    this.kick();
  };
  private readonly stats_: SyncStats = {
    commits: 0,
    durableCommits: 0,
    syncs: 0,
    checkpoints: 0,
    maxSyncMs: 0,
    inlineCheckpoints: 0,
    failures: 0,
  };

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly o: BackgroundSyncOptions,
    openPin: () => Database.Database,
  ) {
    this.checkpointBytes = o.checkpointBytes ?? 1024 * 1024;
    this.fs = o.fs ?? { fdatasync, fsync };
    this.schedule = o.schedule ?? queueMicrotask;
    this.dbFd = openSync(path, 'r');
    this.pin = openPin();
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('synchronous = OFF');
    // The WAL was created under FULL, but its directory entry may not be on disk yet.
    this.syncDirectory();
  }

  /** Called after every commit on the connection; `durable` asks for an fsync soon (events do, telemetry does not). */
  committed(bytes: number, durable: boolean): void {
    this.commits++;
    this.bytesSinceCheckpoint += bytes + 2 * PAGE_BYTES; // a commit rewrites at least a leaf and an index page
    if (durable) this.wanted = this.commits;
    if (this.kickScheduled) return;
    this.kickScheduled = true;
    this.schedule(this.scheduledKick);
  }

  /** Resolves once every commit made so far is on disk (tests, benches, a clean stop). */
  whenDurable(): Promise<void> {
    if (this.closed || this.durable >= this.commits) return Promise.resolve();
    const commit = this.commits;
    this.wanted = Math.max(this.wanted, commit);
    const p = new Promise<void>((resolve) => this.waiters.push({ commit, resolve }));
    this.kick();
    return p;
  }

  /**
   * Whether a sync or checkpoint is running, or scheduled to start (writes that can wait should
   * wait for onSettled, which comes at its end either way).
   */
  isBusy(): boolean {
    return this.busy || (this.kickScheduled && this.hasWork());
  }

  stats(): SyncStats {
    return { ...this.stats_, commits: this.commits, durableCommits: this.durable };
  }

  /**
   * Ends the pin; the caller then closes its connection at synchronous=FULL (the last
   * connection's checkpoint-and-delete of the WAL syncs inline: a stop may wait for the card).
   * `closeFiles` runs after the connection is closed: closing any descriptor of the database
   * file drops the process's POSIX locks on it, so it must come after SQLite's own.
   */
  close(): { closeFiles: () => void } {
    this.closed = true;
    if (this.pin.inTransaction) this.pin.exec('COMMIT');
    this.pin.close();
    this.db.pragma('synchronous = FULL');
    for (const w of this.waiters.splice(0)) w.resolve();
    return {
      closeFiles: () => {
        closeSync(this.dbFd);
        if (this.walFd !== undefined) closeSync(this.walFd);
      },
    };
  }

  /** Whether `kick` would start a checkpoint or a sync now. */
  private hasWork(): boolean {
    return !this.closed && (this.behind >= MAX_BEHIND || this.bytesSinceCheckpoint >= this.checkpointBytes || this.wanted > this.durable);
  }

  private kick(): void {
    if (this.busy || this.closed) return;
    if (this.behind >= MAX_BEHIND) this.inlineCheckpoint();
    else if (this.bytesSinceCheckpoint >= this.checkpointBytes) this.checkpoint();
    else if (this.wanted > this.durable) this.sync((ok) => this.done(ok));
  }

  /** After a failure the next commit tries again: no loop of failing fsyncs on a broken card. */
  private done(ok: boolean): void {
    this.busy = false;
    // Waiters go now, not mid-checkpoint: what they write next lands outside its window.
    const ready = this.waiters.filter((w) => w.commit <= this.durable);
    this.waiters = this.waiters.filter((w) => w.commit > this.durable);
    for (const w of ready) w.resolve();
    this.o.onSettled?.();
    if (ok && !this.busy) this.kick();
  }

  /**
   * The safety valve: when commits kept arriving during every background checkpoint, the WAL
   * cannot restart and would grow without end. Then one checkpoint runs inline at
   * synchronous=FULL (SQLite syncs the WAL and the database itself; the loop waits for the card
   * this once) with nothing pinned, so the next commit starts the WAL over.
   */
  private inlineCheckpoint(): void {
    this.behind = 0;
    try {
      const target = this.commits;
      this.db.pragma('synchronous = FULL');
      this.db.pragma('wal_checkpoint(PASSIVE)');
      this.stats_.inlineCheckpoints++;
      this.bytesSinceCheckpoint = 0;
      this.markDurable(target);
    } catch (e) {
      this.failed('inline checkpoint', e);
    } finally {
      this.db.pragma('synchronous = OFF');
    }
    this.done(true);
  }

  /** fdatasync of the WAL; everything committed before it started is durable when it returns. */
  private sync(then: (ok: boolean) => void): void {
    const fd = this.wal();
    if (fd === undefined) {
      then(false);
      return;
    }
    this.busy = true;
    const target = this.commits;
    const t0 = performance.now();
    this.fs.fdatasync(fd, (err) => {
      if (this.closed) return;
      this.stats_.syncs++;
      this.stats_.maxSyncMs = Math.max(this.stats_.maxSyncMs, performance.now() - t0);
      if (err) this.failed('fdatasync of the WAL', err);
      else this.markDurable(target);
      then(!err);
    });
  }

  private checkpoint(): void {
    this.busy = true;
    const commitsAtPin = this.commits;
    // (1) pin the WAL: a read transaction with the frames there are now.
    this.pin.exec('BEGIN');
    this.pin.prepare('SELECT count(*) FROM sqlite_schema').get();
    // (2) the WAL on disk (sync() calls back only while open)
    this.sync((ok) => {
      if (!ok) {
        this.pin.exec('COMMIT');
        this.done(false);
        return;
      }
      let caughtUp = false;
      try {
        // (3) copy frames into the database: page-cache writes only at synchronous=OFF
        const [r] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
        caughtUp = r !== undefined && r.checkpointed >= r.log;
      } catch (e) {
        this.failed('checkpoint', e);
        this.pin.exec('COMMIT');
        this.done(false);
        return;
      }
      // (4) the database on disk, then (5) let writers reuse the WAL
      this.fs.fdatasync(this.dbFd, (err) => {
        if (this.closed) return;
        if (err) this.failed('fdatasync of the database', err);
        else {
          this.stats_.checkpoints++;
          // Frames committed since the pin were not copied, and the WAL restarts from its
          // beginning only once every frame is: until then, go round again rather than let it grow.
          if (caughtUp && this.commits === commitsAtPin) {
            this.bytesSinceCheckpoint = 0; // no commit since the pin: all of it was copied
            this.behind = 0;
          } else this.behind++;
        }
        this.pin.exec('COMMIT');
        this.done(!err);
      });
    });
  }

  private markDurable(commit: number): void {
    this.durable = Math.max(this.durable, commit);
  }

  private wal(): number | undefined {
    if (this.walFd === undefined) {
      try {
        this.walFd = openSync(`${this.path}-wal`, 'r');
      } catch (e) {
        this.failed('opening the WAL', e);
      }
    }
    return this.walFd;
  }

  private failed(what: string, e: unknown): void {
    this.stats_.failures++;
    // The rows are still committed and will be resent if they were not acknowledged; a later sync retries.
    if (this.stats_.failures === 1 || this.stats_.failures % 100 === 0)
      this.o.logger.error({ err: errorMessage(e), failures: this.stats_.failures }, `outbox ${what} failed; durability not confirmed, retrying with the next commit`);
  }

  private syncDirectory(): void {
    let fd: number;
    try {
      fd = openSync(dirname(this.path), 'r');
    } catch {
      return;
    }
    this.fs.fsync(fd, () => closeSync(fd));
  }
}
