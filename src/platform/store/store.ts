import { dataField } from './event-fields.js';
import { idMs, ingestTx } from './ingest-tx.js';
import { migrate } from './migrations.js';
import { ensureMonthPartitions } from './partitions.js';
import { fromJson, type Row, type SqlDb, toJson } from './sql.js';
import { acknowledge, close, escalateTicket, readTicket, readTickets } from './tickets.js';
import type {
  DeadLetterRow,
  ElevatorLatest,
  ElevatorRow,
  EventRow,
  FaultRow,
  GatewayRow,
  IngestItem,
  IngestResult,
  JoinedBlackbox,
  MaintenanceEventRow,
  PlatformStore,
  RecordCounts,
  RescuePolicy,
  StoredPayload,
  TicketChange,
  TicketRow,
} from './types.js';

/** The platform store on either database: the same SQL, the dialect's differences kept in SqlDb. */
export class SqlPlatformStore implements PlatformStore {
  private constructor(private readonly db: SqlDb) {}

  /** Opens the store and brings its schema (and on PostgreSQL this month's partitions) up to date. */
  static async open(db: SqlDb, nowMs: number): Promise<SqlPlatformStore> {
    await migrate(db, nowMs);
    await ensureMonthPartitions(db, nowMs);
    return new SqlPlatformStore(db);
  }

  get dialect() {
    return this.db.dialect;
  }

  ingest(items: readonly IngestItem[], policy: RescuePolicy): Promise<IngestResult> {
    return this.db.transaction((tx) => ingestTx(tx, items, policy, () => this.db.notifyChange(tx)));
  }

  /** Transient failures are the caller's to retry; a data error is one item's fault (see Committer). */
  isTransient(e: unknown): boolean {
    return this.db.isTransient(e);
  }

  async updateLatest(elevators: readonly ElevatorLatest[], gatewaysSeen: ReadonlyMap<string, number>): Promise<void> {
    if (elevators.length === 0 && gatewaysSeen.size === 0) return;
    // Sorted by key: two workers upserting the same rows take their locks in the same order.
    const lifts = [...elevators].sort((a, b) => (a.gatewayId + a.elevatorId < b.gatewayId + b.elevatorId ? -1 : 1));
    const gws = [...gatewaysSeen].sort(([a], [b]) => (a < b ? -1 : 1));
    await this.db.transaction(async (tx) => {
      await tx.insertMany(
        'gateways',
        ['gateway_id', 'first_seen_ms', 'last_seen_ms'],
        gws.map(([id, ms]) => [id, ms, ms]),
        {
          onConflict: '(gateway_id) DO UPDATE SET last_seen_ms = CASE WHEN excluded.last_seen_ms > gateways.last_seen_ms THEN excluded.last_seen_ms ELSE gateways.last_seen_ms END',
        },
      );
      const newer = 'excluded.telemetry_at_ms IS NOT NULL AND (elevators.telemetry_at_ms IS NULL OR excluded.telemetry_at_ms >= elevators.telemetry_at_ms)';
      await tx.insertMany(
        'elevators',
        ['gateway_id', 'elevator_id', 'registration_code', 'rescue_code', 'state', 'active_faults', 'telemetry_at_ms', 'first_seen_ms', 'last_seen_ms'],
        lifts.map((e) => [
          e.gatewayId,
          e.elevatorId,
          e.registrationCode,
          e.rescueCode,
          e.state === null ? null : toJson(e.state),
          e.activeFaults === null ? null : toJson(e.activeFaults),
          e.telemetryAtMs,
          e.seenMs,
          e.seenMs,
        ]),
        {
          onConflict: `(gateway_id, elevator_id) DO UPDATE SET registration_code = excluded.registration_code, rescue_code = excluded.rescue_code,
            state = CASE WHEN ${newer} THEN excluded.state ELSE elevators.state END,
            active_faults = CASE WHEN ${newer} THEN excluded.active_faults ELSE elevators.active_faults END,
            telemetry_at_ms = CASE WHEN ${newer} THEN excluded.telemetry_at_ms ELSE elevators.telemetry_at_ms END,
            last_seen_ms = CASE WHEN excluded.last_seen_ms > elevators.last_seen_ms THEN excluded.last_seen_ms ELSE elevators.last_seen_ms END`,
        },
      );
    });
  }

  async escalateDue(nowMs: number, policy: RescuePolicy): Promise<string[]> {
    const due = await this.db.query<{ id: string }>("SELECT id FROM tickets WHERE state = 'open' AND next_escalation_ms <= $1 ORDER BY next_escalation_ms", [nowMs]);
    const escalated: string[] = [];
    for (const { id } of due) {
      const done = await this.db.transaction(async (tx) => {
        const changed = await escalateTicket(tx, id, nowMs, policy);
        if (changed) await this.db.notifyChange(tx);
        return changed;
      });
      if (done) escalated.push(id);
    }
    return escalated;
  }

  acknowledgeTicket(id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await acknowledge(tx, id, who, nowMs, note);
      if (r?.changed) await this.db.notifyChange(tx);
      return r;
    });
  }

  closeTicket(id: string, who: string, nowMs: number, note?: string): Promise<TicketChange | undefined> {
    return this.db.transaction(async (tx) => {
      const r = await close(tx, id, who, nowMs, note);
      if (r?.changed) await this.db.notifyChange(tx);
      return r;
    });
  }

  ticket(id: string): Promise<TicketRow | undefined> {
    return readTicket(this.db, id);
  }

  tickets(resolvedSinceMs: number): Promise<TicketRow[]> {
    return readTickets(this.db, "state <> 'resolved' OR resolved_ms >= $1", [resolvedSinceMs]);
  }

  async gateways(): Promise<GatewayRow[]> {
    const rows = await this.db.query('SELECT gateway_id, status, status_ms, status_doc, first_seen_ms, last_seen_ms FROM gateways ORDER BY gateway_id');
    return rows.map((r) => ({
      gatewayId: String(r.gateway_id),
      status: r.status === null ? null : String(r.status),
      statusMs: numOrNull(r.status_ms),
      statusDoc: r.status_doc === null ? null : fromJson(r.status_doc),
      firstSeenMs: Number(r.first_seen_ms),
      lastSeenMs: Number(r.last_seen_ms),
    }));
  }

  async elevators(): Promise<ElevatorRow[]> {
    const rows = await this.db.query(
      'SELECT gateway_id, elevator_id, registration_code, rescue_code, info, state, active_faults, telemetry_at_ms, first_seen_ms, last_seen_ms FROM elevators ORDER BY gateway_id, elevator_id',
    );
    return rows.map((r) => ({
      gatewayId: String(r.gateway_id),
      elevatorId: String(r.elevator_id),
      registrationCode: String(r.registration_code),
      rescueCode: String(r.rescue_code),
      info: r.info === null ? null : fromJson(r.info),
      state: r.state === null ? null : fromJson(r.state),
      activeFaults: r.active_faults === null ? [] : fromJson(r.active_faults),
      telemetryAtMs: numOrNull(r.telemetry_at_ms),
      firstSeenMs: Number(r.first_seen_ms),
      lastSeenMs: Number(r.last_seen_ms),
    }));
  }

  async activeFaults(): Promise<FaultRow[]> {
    const rows = await this.db.query('SELECT * FROM active_faults ORDER BY raised_at_ms DESC, raised_id');
    return rows.map((r) => ({
      gatewayId: String(r.gateway_id),
      elevatorId: String(r.elevator_id),
      type: String(r.type),
      raisedId: String(r.raised_id),
      severity: String(r.severity),
      raisedAtMs: Number(r.raised_at_ms),
      receivedMs: Number(r.received_ms),
      floor: r.floor === null ? null : String(r.floor),
    }));
  }

  async events(f: { gatewayId?: string; elevatorId?: string; type?: string; limit: number }): Promise<EventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['gateway_id', f.gatewayId],
      ['elevator_id', f.elevatorId],
      ['type', f.type],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    params.push(f.limit);
    const rows = await this.db.query(`SELECT * FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at_ms DESC, id DESC LIMIT $${params.length}`, params);
    return rows.map(eventRow);
  }

  async blackbox(gatewayId: string, raisedId: string): Promise<JoinedBlackbox | undefined> {
    const [raisedRow] = await this.db.query('SELECT * FROM events WHERE gateway_id = $1 AND id = $2 AND id_ms = $3', [gatewayId, raisedId, idMs(raisedId)]);
    if (!raisedRow) return undefined;
    const raised = eventRow(raisedRow);
    let [followRow] = await this.db.query("SELECT * FROM events WHERE gateway_id = $1 AND for_id = $2 AND type = 'blackbox' ORDER BY id LIMIT 1", [gatewayId, raisedId]);
    if (!followRow) {
      // A follow-up without data.forId (the gateway had forgotten the raise): same elevator, same `at`, data.for the raised type.
      const candidates = await this.db.query("SELECT * FROM events WHERE gateway_id = $1 AND elevator_id = $2 AND type = 'blackbox' AND at_ms = $3", [
        gatewayId,
        raised.elevatorId,
        raised.atMs,
      ]);
      followRow = candidates.find((c) => dataField(eventRow(c).payload, 'for') === raised.type);
    }
    const follow = followRow ? eventRow(followRow) : undefined;
    return {
      raisedId,
      followUpId: follow?.id ?? null,
      columns: raised.payload.blackbox?.columns ?? follow?.payload.blackbox?.columns ?? [],
      before: raised.payload.blackbox?.rows ?? [],
      after: follow?.payload.blackbox?.rows ?? [],
      complete: follow !== undefined && dataField(follow.payload, 'complete') === true,
    };
  }

  async deadLetters(limit: number): Promise<DeadLetterRow[]> {
    const rows = await this.db.query('SELECT seq, received_ms, topic, reason, bytes, payload FROM dead_letters ORDER BY received_ms DESC, seq DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      seq: Number(r.seq),
      receivedMs: Number(r.received_ms),
      topic: String(r.topic),
      reason: String(r.reason),
      bytes: Number(r.bytes),
      payload: String(r.payload),
    }));
  }

  async maintenanceEvents(fromMs: number, toMs: number): Promise<MaintenanceEventRow[]> {
    const rows = await this.db.query("SELECT * FROM events WHERE type = 'maintenance-session' AND at_ms >= $1 AND at_ms < $2 ORDER BY at_ms, id", [fromMs, toMs]);
    return rows.map(eventRow).map((e) => ({
      gatewayId: e.gatewayId,
      elevatorId: e.elevatorId ?? '',
      registrationCode: e.payload.elevator?.registrationCode ?? '',
      phase: e.phase,
      atMs: e.atMs,
      durationS: typeof dataField(e.payload, 'durationS') === 'number' ? (dataField(e.payload, 'durationS') as number) : null,
    }));
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async counts(): Promise<RecordCounts> {
    const count = async (table: string) => Number((await this.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
    return { events: await count('events'), telemetry: await count('telemetry'), stats: await count('stats'), deadLetters: await count('dead_letters') };
  }

  maintainPartitions(nowMs: number): Promise<string[]> {
    return ensureMonthPartitions(this.db, nowMs);
  }

  onChange(listener: () => void): void {
    this.db.onChange(listener);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

function eventRow(r: Row): EventRow {
  return {
    gatewayId: String(r.gateway_id),
    id: String(r.id),
    elevatorId: r.elevator_id === null ? null : String(r.elevator_id),
    type: String(r.type),
    phase: String(r.phase),
    severity: String(r.severity),
    atMs: Number(r.at_ms),
    receivedMs: Number(r.received_ms),
    forId: r.for_id === null ? null : String(r.for_id),
    payload: fromJson<StoredPayload<'event'>>(r.payload),
  };
}

function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}
