import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Severity } from '../contract/enums.js';
import type { EventData } from '../contract/event-data.js';
import { upgradeStateSchema, type UpgradeOutcome, type UpgradeState } from '../contract/upgrade.js';

/** How loud each outcome is upstream: a rollback means someone has to look, a failed one at once. */
const SEVERITY: Record<UpgradeOutcome, Severity> = { upgraded: 'info', refused: 'warning', 'rolled-back': 'warning', 'rollback-failed': 'critical' };

/**
 * Reports each finished `elevgw upgrade` upstream, once: the upgrade writes
 * `<dir>/<id>.json` (src/contract/upgrade.ts) at every step; the gateway reads the directory at its
 * start and then on a schedule (an upgrade that ends healthy, or is refused, does not restart it
 * again), stores an `upgrade` event for each finished one, then renames the file
 * `<id>.reported.json`. Stored first and renamed after: a power cut between the two resends the
 * event with the same `upgradeId` instead of losing it. So whichever version runs after an upgrade
 * stores its event — the previous one after a rollback.
 */
export class UpgradeReports {
  /** Files that did not parse or could not be marked: logged once, then left alone. */
  private readonly skipped = new Set<string>();

  constructor(
    private readonly o: {
      dir: string;
      store: (data: EventData<'upgrade'>, severity: Severity) => void;
      logger: Logger;
    },
  ) {}

  /** Never throws: a state directory it cannot read costs the report, never the gateway. */
  check(): void {
    let names: string[];
    try {
      names = readdirSync(this.o.dir).filter((n) => n.endsWith('.json') && !n.endsWith('.reported.json'));
    } catch (e) {
      // No directory: no upgrade has run here yet.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.warnOnce(this.o.dir, errorMessage(e));
      return;
    }
    for (const name of names.sort()) {
      const file = join(this.o.dir, name);
      if (this.skipped.has(file)) continue;
      let state: UpgradeState;
      try {
        state = upgradeStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      } catch (e) {
        this.warnOnce(file, errorMessage(e)); // half-written by a dying upgrade, or from a future version
        continue;
      }
      if (!state.outcome || !state.finishedAt) continue; // unfinished: its process, or the recovery before the next start (src/install/recover.ts), ends it
      const data: EventData<'upgrade'> = {
        upgradeId: state.id,
        from: state.from,
        to: state.to,
        outcome: state.outcome,
        ...(state.reason === undefined ? {} : { reason: state.reason }),
        ...(state.failedStep === undefined ? {} : { failedStep: state.failedStep }),
        startedAt: state.startedAt,
        finishedAt: state.finishedAt,
      };
      this.o.store(data, SEVERITY[state.outcome]);
      try {
        renameSync(file, file.replace(/\.json$/, '.reported.json'));
      } catch (e) {
        // Stored but not marked: it would be stored again at every check. Stop checking it.
        this.warnOnce(file, `stored, but could not mark it reported: ${errorMessage(e)}`);
      }
      this.o.logger.info({ upgrade: state.id, from: state.from, to: state.to, outcome: state.outcome }, `upgrade ${state.from} → ${state.to}: ${state.outcome}`);
    }
  }

  private warnOnce(file: string, why: string): void {
    if (this.skipped.has(file)) return;
    this.skipped.add(file);
    this.o.logger.warn({ file, err: why }, 'cannot read an upgrade state file');
  }
}
