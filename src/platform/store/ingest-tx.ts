import { idTime, isEventId } from '../../core/ids.js';
import type { SqlTx } from './sql.js';
import { toJson } from './sql.js';
import { eventFloor, forIdOf } from './event-fields.js';
import { clearedSince, openTicketFor, resolveTicketsOnClear } from './tickets.js';
import type { IngestItem, IngestResult, RescuePolicy } from './types.js';

type Item<K extends IngestItem['kind']> = Extract<IngestItem, { kind: K }>;

/** Dead-letter payloads are kept for diagnosis, not as a store for anything a sender throws at us. */
const DEAD_LETTER_MAX_BYTES = 4096;

/** The time inside a ULID: the partition key, a pure function of the id (0 for an id that is not one). */
export function idMs(id: string): number {
  return isEventId(id) ? idTime(id) : 0;
}

/**
 * One ingest commit: the records (a duplicate id is skipped by the primary key), the dead
 * letters, the gateways' statuses, and — for the events stored now, not their resends — the open
 * faults and the rescue tickets. The caller acknowledges every message of the batch only after this
 * returns, so anything stored here was committed before its PUBACK.
 */
export async function ingestTx(tx: SqlTx, items: readonly IngestItem[], policy: RescuePolicy, notify: () => Promise<void>): Promise<IngestResult> {
  const of = <K extends IngestItem['kind']>(k: K) => items.filter((i): i is Item<K> => i.kind === k);
  const result: IngestResult = { stored: 0, duplicates: 0, deadLetters: 0, ticketsOpened: [], ticketsResolved: [] };

  const dead = of('dead');
  await tx.insertMany(
    'dead_letters',
    ['received_ms', 'topic', 'reason', 'bytes', 'payload'],
    dead.map((d) => [d.receivedMs, d.topic.slice(0, 1024), d.reason.slice(0, 1024), d.raw.length, printable(d.raw.subarray(0, DEAD_LETTER_MAX_BYTES))]),
  );
  result.deadLetters = dead.length;

  const events = of('event');
  const storedEvents = await tx.insertMany(
    'events',
    ['gateway_id', 'id', 'id_ms', 'elevator_id', 'type', 'phase', 'severity', 'code', 'at_ms', 'received_ms', 'floor', 'for_id', 'payload'],
    events.map(({ payload: e, receivedMs }) => [
      e.gatewayId,
      e.id,
      idMs(e.id),
      e.elevator?.id ?? null,
      e.type,
      e.phase,
      e.severity,
      e.code ?? null,
      Date.parse(e.at),
      receivedMs,
      eventFloor(e),
      forIdOf(e),
      toJson(e),
    ]),
    { onConflict: 'DO NOTHING', returning: ['gateway_id', 'id'] },
  );
  const telemetry = of('telemetry');
  const storedTelemetry = await tx.insertMany(
    'telemetry',
    ['gateway_id', 'id', 'id_ms', 'elevator_id', 'at_ms', 'received_ms', 'payload'],
    telemetry.map(({ payload: t, receivedMs }) => [t.gatewayId, t.id, idMs(t.id), t.elevator.id, Date.parse(t.at), receivedMs, toJson(t)]),
    { onConflict: 'DO NOTHING', returning: ['id'] },
  );
  const stats = of('stats');
  const storedStats = await tx.insertMany(
    'stats',
    ['gateway_id', 'id', 'id_ms', 'elevator_id', 'period', 'from_ms', 'to_ms', 'received_ms', 'payload'],
    stats.map(({ payload: s, receivedMs }) => [s.gatewayId, s.id, idMs(s.id), s.elevator.id, s.period, Date.parse(s.from), Date.parse(s.to), receivedMs, toJson(s)]),
    { onConflict: 'DO NOTHING', returning: ['id'] },
  );
  result.stored = storedEvents.length + storedTelemetry.length + storedStats.length;
  result.duplicates = events.length + telemetry.length + stats.length - result.stored;

  for (const s of of('status')) await applyStatus(tx, s);
  for (const i of of('info')) await applyInfo(tx, i);

  const fresh = new Set(storedEvents.map((r) => `${String(r.gateway_id)}\u0000${String(r.id)}`));
  const storedNow = events.filter((e) => fresh.has(`${e.payload.gatewayId}\u0000${e.payload.id}`)).sort((a, b) => Date.parse(a.payload.at) - Date.parse(b.payload.at));
  const episodes = storedNow.filter((e) => e.payload.elevator !== null && (e.payload.phase === 'raised' || e.payload.phase === 'cleared'));
  // Another worker may hold the same elevator's raise or clear: one elevator's episodes are applied under its lock.
  await tx.lock(episodes.map((e) => `elevator:${e.payload.gatewayId}/${e.payload.elevator!.id}`));
  for (const e of episodes) {
    await applyFault(tx, e);
    if (e.payload.type !== 'trapped') continue;
    if (e.payload.phase === 'raised') result.ticketsOpened.push(...(await openTicketFor(tx, e, policy, result)));
    else result.ticketsResolved.push(...(await resolveTicketsOnClear(tx, e)));
  }
  if (episodes.length > 0 || dead.length > 0 || of('status').length > 0 || of('info').length > 0) await notify();
  return result;
}

/** The raise of a fault (severity above info) is open until its clear; a clear that arrived first wins. */
async function applyFault(tx: SqlTx, { payload: e, receivedMs }: Item<'event'>): Promise<void> {
  const key = [e.gatewayId, e.elevator!.id, e.type];
  const at = Date.parse(e.at);
  if (e.phase === 'cleared') {
    await tx.query('DELETE FROM active_faults WHERE gateway_id = $1 AND elevator_id = $2 AND type = $3 AND raised_at_ms <= $4', [...key, at]);
    return;
  }
  if (e.severity === 'info') return;
  if ((await clearedSince(tx, key, at)) !== undefined) return;
  await tx.query(
    `INSERT INTO active_faults (gateway_id, elevator_id, type, raised_id, severity, raised_at_ms, received_ms, floor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [...key, e.id, e.severity, at, receivedMs, eventFloor(e)],
  );
}

/**
 * A status applies in arrival order. A retained copy (delivered because a worker subscribed) is
 * only a fill-in: it applies when nothing newer was recorded since that subscription, so a worker
 * restarting cannot put back an `online` that another worker's last will already replaced.
 */
async function applyStatus(tx: SqlTx, s: Item<'status'>): Promise<void> {
  const alive = s.payload.state === 'online' ? heardMs(s) : 0;
  const fillIn = s.retained ? ' WHERE gateways.status_ms IS NULL OR gateways.status_ms < $7' : '';
  await tx.query(
    `INSERT INTO gateways (gateway_id, status, status_ms, status_doc, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (gateway_id) DO UPDATE SET status = excluded.status, status_ms = excluded.status_ms, status_doc = excluded.status_doc,
       last_seen_ms = CASE WHEN excluded.last_seen_ms > gateways.last_seen_ms THEN excluded.last_seen_ms ELSE gateways.last_seen_ms END${fillIn}`,
    [s.gatewayId, s.payload.state, s.receivedMs, toJson(s.payload), s.receivedMs, alive, ...(s.retained ? [s.retained.subscribedMs] : [])],
  );
}

/**
 * When an `online` status says the gateway was last alive. A live one: on arrival. A retained copy
 * is the broker repeating an old message to a worker that subscribed, not the gateway speaking: it
 * says only that the gateway was alive when it published (`at`, never later than the copy's
 * arrival), so a worker restart cannot make a silent gateway look online.
 */
function heardMs(s: Item<'status'>): number {
  if (!s.retained) return s.receivedMs;
  const at = s.payload.at === undefined ? Number.NaN : Date.parse(s.payload.at);
  return Number.isNaN(at) ? 0 : Math.min(at, s.receivedMs);
}

/** An elevator's description (retained): the newest by the gateway's `at` wins, whichever worker stores it. */
async function applyInfo(tx: SqlTx, { payload: i, receivedMs }: Item<'info'>): Promise<void> {
  await tx.query(
    `INSERT INTO elevators (gateway_id, elevator_id, registration_code, rescue_code, info, info_at_ms, first_seen_ms, last_seen_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
     ON CONFLICT (gateway_id, elevator_id) DO UPDATE SET registration_code = excluded.registration_code, rescue_code = excluded.rescue_code,
       info = excluded.info, info_at_ms = excluded.info_at_ms
     WHERE elevators.info_at_ms IS NULL OR elevators.info_at_ms <= excluded.info_at_ms`,
    [i.gatewayId, i.elevator.id, i.elevator.registrationCode, i.elevator.rescueCode, toJson(i), Date.parse(i.at), receivedMs],
  );
}

/** Text a person can read in a dead letter: invalid UTF-8 replaced, NUL (which PostgreSQL text refuses) too. */
function printable(raw: Buffer): string {
  return raw.toString('utf8').replaceAll('\u0000', '\ufffd');
}
