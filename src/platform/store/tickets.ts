import { eventFloor } from './event-fields.js';
import { fromJson, type SqlQuery, type SqlTx } from './sql.js';
import type { InfoPayload, IngestItem, IngestResult, RescuePolicy, TicketChange, TicketRow, TicketState, TicketTransition } from './types.js';

type EventItem = Extract<IngestItem, { kind: 'event' }>;

/** Who did it, when the platform itself did: the ingest opening a ticket, the timer escalating it. */
const PLATFORM = 'platform';

/**
 * The rescue workflow's state changes, each in the caller's transaction with its transition row
 * (kind, state after, escalation level, who, when). A ticket's id is the id of the `trapped` raise
 * that opened it, so a resent raise finds its ticket and opens no second one.
 *
 *   open ──(not acknowledged in escalateAfter[n])──> open, escalation n+1
 *   open ──acknowledge──> acknowledged ──close / fault cleared──> resolved
 *   open ──close / fault cleared──> resolved
 */
export async function openTicketFor(tx: SqlTx, { payload: e, receivedMs }: EventItem, policy: RescuePolicy, result: IngestResult): Promise<string[]> {
  const elevator = e.elevator!;
  const [known] = await tx.query<{ info: unknown }>('SELECT info FROM elevators WHERE gateway_id = $1 AND elevator_id = $2', [e.gatewayId, elevator.id]);
  const info = known?.info ? fromJson<Partial<InfoPayload>>(known.info) : {};
  const at = Date.parse(e.at);
  const company = info.maintenanceCompany;
  const firstEscalation = policy.escalateAfterMs[0];
  const inserted = await tx.query(
    `INSERT INTO tickets (id, gateway_id, elevator_id, registration_code, rescue_code, name, address, floor, hotline, maintenance_company,
       state, escalation, next_escalation_ms, raised_at_ms, opened_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', 0, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id`,
    [
      e.id,
      e.gatewayId,
      elevator.id,
      elevator.registrationCode,
      elevator.rescueCode,
      text(info.name),
      text(info.address ?? info.site?.address),
      eventFloor(e),
      policy.hotline,
      company ? [company.name, company.phone].filter(Boolean).join(', ') : null,
      firstEscalation === undefined ? null : receivedMs + firstEscalation,
      at,
      receivedMs,
    ],
  );
  if (inserted.length === 0) return [];
  await transition(tx, e.id, 'opened', 'open', 0, PLATFORM, receivedMs, `trapped raised at ${e.at}`);
  // With two workers the clear can be stored before its raise: the ticket then opens resolved.
  const clearedAt = await clearedSince(tx, [e.gatewayId, elevator.id, 'trapped'], at);
  if (clearedAt !== undefined) {
    await resolve(tx, e.id, `gateway ${e.gatewayId}`, receivedMs, 'fault-cleared', `trapped cleared at ${new Date(clearedAt).toISOString()}`);
    result.ticketsResolved.push(e.id);
  }
  return [e.id];
}

/**
 * The `at` of this raise's clear, if one is stored (a clear that came first, from another worker):
 * a clear of this elevator's fault type at or after `at` with no other raise of it in between. A
 * clear beyond a later raise ended that one's episode, not this one's: a gateway whose clock is not
 * yet set after a power cut (`clockSynced: false`) sends a raise dated before episodes already
 * stored, and their clears must not close its ticket as it opens.
 */
export async function clearedSince(tx: SqlTx, [gatewayId, elevatorId, type]: string[], at: number): Promise<number | undefined> {
  const [row] = await tx.query<{ at_ms: number }>(
    `SELECT c.at_ms FROM events c WHERE c.gateway_id = $1 AND c.elevator_id = $2 AND c.type = $3 AND c.phase = 'cleared' AND c.at_ms >= $4
       AND NOT EXISTS (SELECT 1 FROM events r WHERE r.gateway_id = $1 AND r.elevator_id = $2 AND r.type = $3 AND r.phase = 'raised' AND r.at_ms > $4 AND r.at_ms <= c.at_ms)
     ORDER BY c.at_ms LIMIT 1`,
    [gatewayId, elevatorId, type, at],
  );
  return row ? Number(row.at_ms) : undefined;
}

/** A `trapped` clear resolves the elevator's tickets raised at or before it. */
export async function resolveTicketsOnClear(tx: SqlTx, { payload: e, receivedMs }: EventItem): Promise<string[]> {
  const open = await tx.query<{ id: string }>("SELECT id FROM tickets WHERE gateway_id = $1 AND elevator_id = $2 AND state <> 'resolved' AND raised_at_ms <= $3", [
    e.gatewayId,
    e.elevator!.id,
    Date.parse(e.at),
  ]);
  const done: string[] = [];
  for (const { id } of open) if (await resolve(tx, id, `gateway ${e.gatewayId}`, receivedMs, 'fault-cleared', `trapped cleared at ${e.at}`)) done.push(id);
  return done;
}

/** Every level now due, one transition each; the level check makes a second worker's sweep a no-op. */
export async function escalateTicket(tx: SqlTx, id: string, nowMs: number, policy: RescuePolicy): Promise<boolean> {
  let escalated = false;
  for (;;) {
    const [t] = await tx.query<{ escalation: number; opened_ms: number; next_escalation_ms: number | null }>(
      "SELECT escalation, opened_ms, next_escalation_ms FROM tickets WHERE id = $1 AND state = 'open'",
      [id],
    );
    if (!t || t.next_escalation_ms === null || Number(t.next_escalation_ms) > nowMs) return escalated;
    const level = Number(t.escalation) + 1;
    const after = policy.escalateAfterMs[level];
    const next = after === undefined ? null : Number(t.opened_ms) + after;
    const updated = await tx.query("UPDATE tickets SET escalation = $1, next_escalation_ms = $2 WHERE id = $3 AND escalation = $4 AND state = 'open' RETURNING id", [
      level,
      next,
      id,
      level - 1,
    ]);
    if (updated.length === 0) return escalated;
    await transition(tx, id, 'escalated', 'open', level, PLATFORM, nowMs, `not acknowledged ${Math.round((nowMs - Number(t.opened_ms)) / 1000)} s after opening`);
    escalated = true;
  }
}

export async function acknowledge(tx: SqlTx, id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined> {
  const updated = await tx.query<{ escalation: number }>(
    "UPDATE tickets SET state = 'acknowledged', acknowledged_ms = $1, next_escalation_ms = NULL WHERE id = $2 AND state = 'open' RETURNING escalation",
    [nowMs, id],
  );
  if (updated[0]) await transition(tx, id, 'acknowledged', 'acknowledged', Number(updated[0].escalation), who, nowMs, note ?? null);
  const ticket = await readTicket(tx, id);
  return ticket && { ticket, changed: updated.length > 0 };
}

export async function close(tx: SqlTx, id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined> {
  const changed = await resolve(tx, id, who, nowMs, 'closed', note ?? null);
  const ticket = await readTicket(tx, id);
  return ticket && { ticket, changed };
}

async function resolve(tx: SqlTx, id: string, who: string, nowMs: number, resolution: string, note: string | null): Promise<boolean> {
  const updated = await tx.query<{ escalation: number }>(
    "UPDATE tickets SET state = 'resolved', resolved_ms = $1, resolution = $2, next_escalation_ms = NULL WHERE id = $3 AND state <> 'resolved' RETURNING escalation",
    [nowMs, resolution, id],
  );
  if (updated[0]) await transition(tx, id, 'resolved', 'resolved', Number(updated[0].escalation), who, nowMs, note);
  return updated.length > 0;
}

async function transition(tx: SqlTx, id: string, kind: TicketTransition['kind'], state: TicketState, escalation: number, who: string, atMs: number, note: string | null) {
  await tx.query('INSERT INTO ticket_transitions (ticket_id, kind, state, escalation, who, at_ms, note) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    id,
    kind,
    state,
    escalation,
    who,
    atMs,
    note,
  ]);
}

const TICKET_COLUMNS = `id, gateway_id, elevator_id, registration_code, rescue_code, name, address, floor, hotline, maintenance_company, state, escalation,
  next_escalation_ms, raised_at_ms, opened_ms, acknowledged_ms, resolved_ms, resolution`;

export async function readTicket(q: SqlQuery, id: string): Promise<TicketRow | undefined> {
  return (await readTickets(q, 'id = $1', [id]))[0];
}

export async function readTickets(q: SqlQuery, where: string, params: readonly unknown[]): Promise<TicketRow[]> {
  const rows = await q.query(`SELECT ${TICKET_COLUMNS} FROM tickets WHERE ${where} ORDER BY opened_ms DESC, id`, params);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => String(r.id));
  const marks = ids.map((_, i) => `$${i + 1}`).join(', ');
  const transitions = await q.query(`SELECT ticket_id, kind, state, escalation, who, at_ms, note FROM ticket_transitions WHERE ticket_id IN (${marks}) ORDER BY seq`, ids);
  return rows.map((r) => ({
    id: String(r.id),
    gatewayId: String(r.gateway_id),
    elevatorId: String(r.elevator_id),
    registrationCode: String(r.registration_code),
    rescueCode: String(r.rescue_code),
    name: nullable(r.name),
    address: nullable(r.address),
    floor: nullable(r.floor),
    hotline: String(r.hotline),
    maintenanceCompany: nullable(r.maintenance_company),
    state: r.state as TicketState,
    escalation: Number(r.escalation),
    nextEscalationMs: r.next_escalation_ms === null ? null : Number(r.next_escalation_ms),
    raisedAtMs: Number(r.raised_at_ms),
    openedMs: Number(r.opened_ms),
    acknowledgedMs: r.acknowledged_ms === null ? null : Number(r.acknowledged_ms),
    resolvedMs: r.resolved_ms === null ? null : Number(r.resolved_ms),
    resolution: nullable(r.resolution),
    transitions: transitions
      .filter((t) => t.ticket_id === r.id)
      .map((t) => ({
        kind: t.kind as TicketTransition['kind'],
        state: t.state as TicketState,
        escalation: Number(t.escalation),
        who: String(t.who),
        atMs: Number(t.at_ms),
        note: nullable(t.note),
      })),
  }));
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function nullable(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
