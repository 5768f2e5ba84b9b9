import { EVICTION_LANES, type MaintainResult, type OutboxLimits } from './records.js';
import type { Statements } from './sqlite-statements.js';
import type { RecordKind } from './types.js';

/** Eviction reads candidates in chunks of this many rows per lane. */
const EVICTION_CHUNK = 256;

/**
 * Retention and the size cap, inside the caller's transaction: delivered rows older than the
 * retention go; above the cap every delivered row goes, then pending rows in eviction order.
 */
export function purgeAndEvict(s: Statements, limits: OutboxLimits, now: number, usedBytes: () => number): MaintainResult {
  const newest = s.newest.get();
  let purged = s.purgeDeliveredBefore.run(now - limits.retentionMs).changes;
  let evicted = 0;
  const evictedByKind: Partial<Record<RecordKind, number>> = {};
  if (usedBytes() > limits.maxBytes) {
    // Delivered rows are only history: they go before any pending row does.
    purged += s.purgeDelivered.run().changes;
    // Pages hold more than the rows' estimated sizes (headers, indexes, partly filled pages):
    // scale the estimates by what the rows really occupy, so one round evicts about enough.
    const estimated = s.estimatedBytes.get()?.bytes ?? 0;
    const scale = estimated > 0 ? Math.max(1, usedBytes() / estimated) : 1;
    for (let excess = usedBytes() - limits.maxBytes; excess > 0; excess = usedBytes() - limits.maxBytes) {
      const victims = evictionVictims(s, excess / scale);
      if (victims.length === 0) break; // nothing pending left: the schema alone is over the cap
      for (const v of victims) {
        s.deleteSeq.run(v.seq);
        evictedByKind[v.kind] = (evictedByKind[v.kind] ?? 0) + 1;
      }
      evicted += victims.length;
    }
    if (evicted > 0) {
      s.addMeta.run('evicted', evicted);
      for (const [kind, n] of Object.entries(evictedByKind)) s.addMeta.run(`evicted:${kind}`, n);
    }
  }
  if (newest && purged + evicted > 0) {
    // The newest row may be gone now; lastId() must still seed the id factory above it.
    s.setMeta.run('last_seq', newest.seq);
    s.setMeta.run('last_id', newest.id);
  }
  return { purged, evicted, evictedByKind };
}

/**
 * Pending rows whose estimated sizes add up to `excess`, in eviction order: the least important lane
 * first (highest priority number), oldest first within it. Critical rows (lane 0) come last, so
 * they are only reached once every other lane is empty.
 */
function evictionVictims(s: Statements, excess: number): { seq: number; kind: RecordKind }[] {
  const victims: { seq: number; kind: RecordKind }[] = [];
  let bytes = 0;
  for (const lane of EVICTION_LANES) {
    let after = 0;
    for (;;) {
      const chunk = s.evictionCandidates.all(lane, after, EVICTION_CHUNK);
      for (const c of chunk) {
        victims.push(c);
        bytes += c.bytes;
        if (bytes >= excess) return victims;
      }
      if (chunk.length < EVICTION_CHUNK) break;
      after = chunk[chunk.length - 1]!.seq;
    }
  }
  return victims;
}
