import { FieldBuses } from '../../../drivers/buses.js';
import { createDriver } from '../../../drivers/factory.js';
import type { LoadedElevator } from '../../config/load.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { pipelineFor } from '../../detect/pipeline.js';
import type { ElevatorSignals } from '../../signals/types.js';
import { readOutbox } from '../outbox-read.js';
import { FaultAges, type LiveFrame, type Reading } from './frame.js';

export interface BusReadOptions {
  elevator: LoadedElevator;
  /** Read (never opened for writing) every few seconds, for the outbox line. */
  outboxPath: string;
  everyMs: number;
  clock: Clock;
  logger: Logger;
  stopped: () => boolean;
}

/** The outbox is copied to be read (src/diag/outbox-read.ts): not on every frame. */
const OUTBOX_EVERY_MS = 5000;
/** A copy that keeps racing the gateway's checkpoints (a backlog draining) gives up after this, not the CLI's 3 s: the frames must keep coming; the line reads unknown for that turn. */
const OUTBOX_COPY_BUDGET_MS = 200;

function readings(s: ElevatorSignals): Record<string, Reading> {
  const out: Record<string, Reading> = {};
  for (const [name, sample] of Object.entries(s)) if (sample) out[name] = sample.quality === 'good' ? (sample.value as Reading) : null;
  return out;
}

function outboxLine(path: string, wallNow: number): LiveFrame['outbox'] {
  const r = readOutbox(path, OUTBOX_COPY_BUDGET_MS);
  if (!r.ok) return r.problem === 'missing' ? 'missing' : null;
  const oldest = r.stats.oldestPendingCreatedAt;
  return { pending: r.stats.pending, oldestPendingAgeS: oldest === null ? null : Math.round((wallNow - oldest) / 1000) };
}

/** Transactions per second over `ms`, to 0.1; null over no time at all. */
function rate(transactions: number, ms: number): number | null {
  return ms > 0 ? Math.round((transactions / (ms / 1000)) * 10) / 10 : null;
}

/**
 * No running service: this process reads the elevator's bus itself, through the same pipeline
 * the gateway builds (pipelineFor, createDriver on its own FieldBuses), so a reading is judged
 * good, bad or stale exactly as the service would judge it, and the rules run to show what would
 * be active. Read-only, as every driver is. Calls `onFrame` once per poll round until `stopped()`.
 */
export async function readBus(o: BusReadOptions, onFrame: (f: LiveFrame) => void): Promise<void> {
  const e = o.elevator;
  const driver = await createDriver({ board: e.board, connection: e.config.connection, clock: o.clock, logger: o.logger, buses: new FieldBuses() });
  const pipeline = pipelineFor(e);
  const ages = new FaultAges();
  // The rate is measured from one round to the next: the first round has nothing before it (its
  // transactions over the few ms since the driver opened would be a rate the bus never had).
  let before: { transactions: number; at: number } | undefined;
  let outbox: LiveFrame['outbox'] = null;
  let outboxAt = -Infinity;
  await driver.open();
  try {
    while (!o.stopped()) {
      const started = o.clock.now();
      for (const g of e.board.pollGroups) pipeline.update(await driver.poll(g.name));
      const now = o.clock.now();
      const { signals, events } = pipeline.step(now);
      for (const ev of events) if (ev.phase === 'raised') ages.raised(ev.type, o.clock.wallNow());
      const h = driver.health();
      const transactionsPerS = before ? rate(h.transactions - before.transactions, now - before.at) : null;
      before = { transactions: h.transactions, at: now };
      if (now - outboxAt >= OUTBOX_EVERY_MS) {
        outbox = outboxLine(o.outboxPath, o.clock.wallNow());
        outboxAt = now;
      }
      onFrame({
        source: 'bus',
        at: o.clock.wallNow(),
        elevator: { id: e.config.id, board: e.board.id, floors: e.config.floors, ratedSpeedMps: e.config.ratedSpeedMps },
        signals: readings(signals),
        driver: { state: h.state, transactionsPerS, errorsByCode: h.errorsByCode, ...(h.lastErrorCode ? { lastErrorCode: h.lastErrorCode } : {}) },
        outbox,
        faults: ages.active(pipeline.detection.engine.active(), o.clock.wallNow()),
      });
      const wait = o.everyMs - (o.clock.now() - started);
      if (wait > 0 && !o.stopped()) await new Promise<void>((resolve) => o.clock.after(wait, resolve));
    }
  } finally {
    await driver.close();
  }
}
