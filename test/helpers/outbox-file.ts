import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { EventIdFactory } from '../../src/core/ids.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import type { NewRecord } from '../../src/outbox/types.js';

/**
 * A gateway's outbox file as another process sees it, for tests that kill the gateway and then
 * look at what it left on disk (read-only; a WAL reader never blocks the writer).
 */

export interface OutboxSnapshot {
  /** Stored and not yet acknowledged events: id → the exact payload stored. */
  pendingEvents: Map<string, string>;
  /** Events marked delivered (acknowledged by PUBACK) and not yet purged. */
  deliveredEvents: Set<string>;
  /** The outbox's counters: delivered, evicted, evicted:<kind> … */
  meta: Record<string, number>;
  /** Bytes in live pages: what `outbox.maxMb` caps. */
  usedBytes: number;
}

export function snapshotOutbox(dbPath: string): OutboxSnapshot {
  const empty: OutboxSnapshot = { pendingEvents: new Map(), deliveredEvents: new Set(), meta: {}, usedBytes: 0 };
  if (!existsSync(dbPath)) return empty;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT id, payload, delivered_at FROM records WHERE kind = 'event' ORDER BY seq").all() as {
      id: string;
      payload: string;
      delivered_at: number | null;
    }[];
    const meta = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: number | string }[];
    const pages = (name: string) => db.pragma(name, { simple: true }) as number;
    return {
      pendingEvents: new Map(rows.filter((r) => r.delivered_at === null).map((r) => [r.id, r.payload])),
      deliveredEvents: new Set(rows.filter((r) => r.delivered_at !== null).map((r) => r.id)),
      meta: Object.fromEntries(meta.filter((m) => typeof m.value === 'number').map((m) => [m.key, m.value as number])),
      usedBytes: (pages('page_count') - pages('freelist_count')) * pages('page_size'),
    };
  } catch (e) {
    if (/no such table/.test(String(e))) return empty; // killed before the schema was created
    throw e;
  } finally {
    db.close();
  }
}

/**
 * Appends `n` records, as a gateway would have stored them during a long outage, while no gateway
 * runs on the file. Ids continue the file's id sequence, so they sort after everything stored before.
 * Opening must find the file intact: a power cut never leaves a database the gateway has to move aside.
 */
export function appendBacklog(dbPath: string, n: number, make: (id: string, i: number) => Omit<NewRecord, 'id'>): string[] {
  const outbox = SqliteOutbox.open(dbPath, { maxBytes: 1024 * 1024 * 1024, retentionMs: 86_400_000 });
  try {
    if (outbox.openReport().recovered) throw new Error(`${dbPath} was unusable after a power cut: ${JSON.stringify(outbox.openReport())}`);
    const ids = new EventIdFactory(Date.now, { lastId: outbox.lastId() });
    const records = Array.from({ length: n }, (_, i) => {
      const id = ids.next();
      return { id, ...make(id, i) };
    });
    for (let i = 0; i < records.length; i += 500) outbox.append(records.slice(i, i + 500));
    return records.map((r) => r.id);
  } finally {
    outbox.close();
  }
}

/** Removes delivered rows as retention would (the gateway is not running), so what is left is what a size cap must evict from. */
export function purgeDelivered(dbPath: string): number {
  const outbox = SqliteOutbox.open(dbPath, { maxBytes: 1024 * 1024 * 1024, retentionMs: 0 });
  try {
    return outbox.maintain(Date.now() + 1).purged;
  } finally {
    outbox.close();
  }
}
