import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { SqliteBaselineStore } from '../detect/health/baseline-sqlite.js';
import { type BaselineStore, MemoryBaselineStore } from '../detect/health/baseline-store.js';
import type { ElevatorHealth } from '../detect/health/health.js';
import { SqliteOutbox } from '../outbox/sqlite.js';
import type { Outbox } from '../outbox/types.js';
import type { GatewayOptions } from './gateway-options.js';

/**
 * The gateway's store of record: the injected outbox, or the SQLite file of the site config. A
 * corrupt file is moved aside and a new one started (the report becomes an outbox-loss event).
 */
export function openStore(o: GatewayOptions, clock: Clock, log: Logger): { store: Outbox; sqlite?: SqliteOutbox } {
  if (o.outbox) return { store: o.outbox };
  const site = o.config.site;
  const sqlite = SqliteOutbox.open(o.config.outboxPath, {
    maxBytes: site.outbox.maxMb * 1024 * 1024,
    retentionMs: site.outbox.retentionDays * 86_400_000,
    logger: log.child({ mod: 'outbox' }),
    wallNow: () => clock.wallNow(),
  });
  const report = sqlite.openReport();
  if (report.recovered) log.error({ movedTo: report.movedTo, reason: report.reason }, 'outbox database was corrupt; moved aside and started a new one');
  return { store: sqlite, sqlite };
}

/** Baselines next to the outbox; should that fail, in memory (learned again after a restart) — monitoring never waits on them. */
export function openBaselines(outboxPath: string, clock: Clock, log: Logger): BaselineStore {
  try {
    return SqliteBaselineStore.open(outboxPath, { wallNow: () => clock.wallNow(), sharedWal: true });
  } catch (e) {
    log.error({ err: errorMessage(e) }, 'early-warning baselines cannot be stored; kept in memory until the next start');
    return new MemoryBaselineStore();
  }
}

/** Baselines are worth keeping, not worth stopping monitoring for: a failed save is logged and the next hour tries again. */
export function saveBaselines(health: ElevatorHealth | undefined, log: Logger): void {
  try {
    health?.persist();
  } catch (e) {
    log.error({ err: errorMessage(e) }, 'could not save early-warning baselines');
  }
}
