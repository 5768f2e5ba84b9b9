import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetMessage, LightGateway } from '../../bench/fleet-messages.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import type { IngestItem, PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';

/**
 * One contract, both stores: what the ingest workers, the rescue workflow and the duty desk rely
 * on, run against SQLite (the embedded default) and a real PostgreSQL. `open` returns a fresh,
 * migrated, empty store.
 */
export type StoreFactory = () => Promise<PlatformStore>;

const T0 = Date.UTC(2026, 4, 11, 8, 0, 0);
const MIN = 60_000;
const routes = ingestRoutes('elevgw/v1');
const policy = rescuePolicy([5, 15]);

export function storeContract(name: string, open: StoreFactory): void {
  describe(`platform store contract: ${name}`, () => {
    let store: PlatformStore;
    let now = T0;
    const gw = new LightGateway('gw-contract-1', 3, () => now);
    const item = (m: FleetMessage, receivedMs = now, retainedSince?: number): IngestItem =>
      toIngestItem(routes, { topic: m.topic, payload: Buffer.from(m.payload), receivedMs, ...(retainedSince === undefined ? {} : { retainedSince }) });
    const ingest = (...ms: (FleetMessage | IngestItem)[]) =>
      store.ingest(
        ms.map((m) => ('kind' in m && 'receivedMs' in m ? m : item(m as FleetMessage))),
        policy,
      );

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores each record once however often it arrives, in one batch or across batches', async () => {
      const t = gw.telemetry(0);
      const e = gw.event(0, { type: 'alarm-pressed', phase: 'instant', severity: 'warning', data: { floor: 2, inZone: true, occupied: true } });
      const before = await store.counts();
      const first = await ingest(t, e, e, t);
      expect(first).toMatchObject({ stored: 2, duplicates: 2 });
      const again = await ingest(e, t);
      expect(again).toMatchObject({ stored: 0, duplicates: 2 });
      const after = await store.counts();
      expect(after.events - before.events).toBe(1);
      expect(after.telemetry - before.telemetry).toBe(1);
      expect((await store.events({ gatewayId: gw.gatewayId, type: 'alarm-pressed', limit: 10 })).map((r) => r.id)).toEqual([e.id]);
    });

    it('keeps what breaks the contract as a dead letter: topic, reason and the payload cut to 4 KiB', async () => {
      const big = Buffer.from(`{"v":1,"junk":"${'x'.repeat(10_000)}"`);
      const r = await store.ingest(
        [
          toIngestItem(routes, { topic: gw.t.elevatorEvents('E1'), payload: big, receivedMs: now }),
          toIngestItem(routes, { topic: gw.t.telemetry('E1'), payload: Buffer.from('{"v":1}'), receivedMs: now }),
        ],
        policy,
      );
      expect(r.deadLetters).toBe(2);
      const dead = await store.deadLetters(10);
      const notJson = dead.find((d) => d.reason.startsWith('not JSON'))!;
      expect(notJson).toMatchObject({ topic: gw.t.elevatorEvents('E1'), bytes: big.length });
      expect(notJson.payload.length).toBe(4096);
      expect(dead.find((d) => d.topic === gw.t.telemetry('E1'))?.reason).toMatch(/breaks the contract \(telemetry\)/);
    });

    it('a message naming another gateway or elevator than its topic is a dead letter, not a record', async () => {
      const other = new LightGateway('gw-contract-2', 1, () => now).telemetry(0);
      const wrong = toIngestItem(routes, { topic: gw.t.telemetry('E1'), payload: Buffer.from(other.payload), receivedMs: now });
      expect(wrong).toMatchObject({ kind: 'dead', reason: expect.stringMatching(/gatewayId "gw-contract-2" is not the topic's "gw-contract-1"/) });
    });

    it('a trapped raise opens one rescue ticket with the elevator, address, floor, rescue code, hotline and maintenance company', async () => {
      await ingest(gw.info(1));
      const { raise } = gw.trapped(1);
      const r = await ingest(raise, raise);
      expect(r.ticketsOpened).toEqual([raise.id]);
      const t = (await store.ticket(raise.id!))!;
      expect(t).toMatchObject({
        gatewayId: gw.gatewayId,
        elevatorId: 'E2',
        registrationCode: gw.identity(1).registrationCode,
        rescueCode: gw.identity(1).rescueCode,
        address: 'gw-contract-1, Jianghan District, Wuhan',
        name: 'Building 2',
        floor: '3',
        hotline: '963333',
        maintenanceCompany: 'Wuhan Lift Care Co., 027-0000000',
        state: 'open',
        escalation: 0,
        openedMs: now,
        nextEscalationMs: now + 5 * MIN,
      });
      expect(t.transitions).toEqual([expect.objectContaining({ kind: 'opened', state: 'open', who: 'platform', atMs: now })]);
      expect((await store.activeFaults()).filter((f) => f.raisedId === raise.id)).toHaveLength(1);
      // The resend opens nothing new.
      expect((await ingest(raise)).ticketsOpened).toEqual([]);
    });

    it('escalates a ticket not acknowledged in time, each level once, and stops at acknowledgement', async () => {
      const opened = now;
      const { raise } = gw.trapped(2);
      await ingest(raise);
      const mine = async (at: number) => (await store.escalateDue(at, policy)).filter((id) => id === raise.id);
      expect(await mine(opened + 5 * MIN - 1)).toEqual([]);
      expect(await mine(opened + 5 * MIN)).toEqual([raise.id]);
      expect(await mine(opened + 5 * MIN)).toEqual([]);
      let t = (await store.ticket(raise.id!))!;
      expect(t).toMatchObject({ state: 'open', escalation: 1, nextEscalationMs: opened + 15 * MIN });
      const ack = await store.acknowledgeTicket(raise.id!, 'alice', opened + 6 * MIN, 'calling the maintenance company');
      expect(ack).toMatchObject({ changed: true, ticket: { state: 'acknowledged', acknowledgedMs: opened + 6 * MIN, nextEscalationMs: null } });
      expect((await store.acknowledgeTicket(raise.id!, 'bob', opened + 7 * MIN))?.changed).toBe(false);
      expect(await mine(opened + 60 * MIN)).toEqual([]);
      const closed = await store.closeTicket(raise.id!, 'alice', opened + 40 * MIN, 'passenger out');
      expect(closed?.ticket).toMatchObject({ state: 'resolved', resolution: 'closed', resolvedMs: opened + 40 * MIN });
      t = (await store.ticket(raise.id!))!;
      expect(t.transitions.map((x) => [x.kind, x.who, x.atMs, x.escalation])).toEqual([
        ['opened', 'platform', opened, 0],
        ['escalated', 'platform', opened + 5 * MIN, 1],
        ['acknowledged', 'alice', opened + 6 * MIN, 1],
        ['resolved', 'alice', opened + 40 * MIN, 1],
      ]);
      expect(await store.acknowledgeTicket('no-such-ticket', 'alice', now)).toBeUndefined();
    });

    it("the fault's clear resolves the ticket and the open fault, even when the clear is stored first", async () => {
      const a = gw.trapped(0);
      await ingest(a.raise);
      now += MIN;
      const r = await ingest(a.clear());
      expect(r.ticketsResolved).toEqual([a.raise.id]);
      expect(await store.ticket(a.raise.id!)).toMatchObject({ state: 'resolved', resolution: 'fault-cleared', resolvedMs: now });
      expect((await store.activeFaults()).some((f) => f.raisedId === a.raise.id)).toBe(false);

      const b = gw.trapped(0);
      now += MIN;
      const clear = b.clear();
      await ingest(clear);
      const late = await ingest(b.raise);
      expect(late).toMatchObject({ ticketsOpened: [b.raise.id], ticketsResolved: [b.raise.id] });
      expect((await store.ticket(b.raise.id!))?.transitions.map((x) => x.kind)).toEqual(['opened', 'resolved']);
      expect((await store.activeFaults()).some((f) => f.raisedId === b.raise.id)).toBe(false);
    });

    it("joins a black box's before and after parts on data.forId, whichever arrives first", async () => {
      const x = gw.trapped(0);
      await ingest(x.followUp);
      await ingest(x.raise);
      const box = await store.blackbox(gw.gatewayId, x.raise.id!);
      expect(box).toEqual({
        raisedId: x.raise.id,
        followUpId: x.followUp.id,
        columns: ['dtMs', 'positionMm', 'door'],
        before: [
          [-1000, 8500, 'closed'],
          [0, 8500, 'closed'],
        ],
        after: [
          [500, 8500, 'closed'],
          [1000, 8500, 'closed'],
        ],
        complete: true,
      });
      expect(await store.blackbox(gw.gatewayId, 'nothing')).toBeUndefined();
    });

    it('applies statuses in arrival order, a retained copy only where nothing newer was recorded', async () => {
      const g = new LightGateway('gw-contract-status', 1, () => now);
      await ingest(g.status('online'));
      expect((await store.gateways()).find((x) => x.gatewayId === g.gatewayId)).toMatchObject({ status: 'online', statusMs: now, lastSeenMs: now });
      now += MIN;
      await ingest(g.status('offline'));
      // A worker that subscribed before the will was recorded gets the retained online: it must not win.
      await store.ingest([item(g.status('online'), now + 1, now - 1)], policy);
      expect((await store.gateways()).find((x) => x.gatewayId === g.gatewayId)).toMatchObject({ status: 'offline', statusMs: now, lastSeenMs: now - MIN });
      await store.ingest([item(g.status('online'), now + 2, now + 1)], policy);
      expect((await store.gateways()).find((x) => x.gatewayId === g.gatewayId)?.status).toBe('online');
    });

    it('keeps the newest running state per elevator, whichever worker writes last', async () => {
      const base = { gatewayId: 'gw-latest', elevatorId: 'E1', registrationCode: '31104201002026110099', rescueCode: 'JH-99', activeFaults: [] };
      await store.updateLatest([{ ...base, state: { floor: '5' }, telemetryAtMs: T0 + 2000, seenMs: T0 + 2000 }], new Map([['gw-latest', T0 + 2000]]));
      await store.updateLatest([{ ...base, state: { floor: '4' }, telemetryAtMs: T0 + 1000, seenMs: T0 + 1000 }], new Map([['gw-latest', T0 + 1000]]));
      await store.updateLatest([{ ...base, state: null, activeFaults: null, telemetryAtMs: null, seenMs: T0 + 3000 }], new Map());
      const e = (await store.elevators()).find((x) => x.gatewayId === 'gw-latest')!;
      expect(e).toMatchObject({ state: { floor: '5' }, telemetryAtMs: T0 + 2000, lastSeenMs: T0 + 3000, firstSeenMs: T0 + 2000 });
      expect((await store.gateways()).find((x) => x.gatewayId === 'gw-latest')).toMatchObject({ status: null, lastSeenMs: T0 + 2000 });
    });

    it('returns maintenance sessions in a time window, oldest first, with their durations', async () => {
      const m = new LightGateway('gw-maint', 1, () => now);
      const day = 86_400_000;
      const at = (d: number) => new Date(T0 - d * day).toISOString();
      await ingest(
        m.maintenance(0, 'raised', 0, at(20)),
        m.maintenance(0, 'cleared', 3600, at(19.9)),
        m.maintenance(0, 'raised', 0, at(2)),
        m.maintenance(0, 'cleared', 1200, at(1.99)),
      );
      const rows = (await store.maintenanceEvents(T0 - 10 * day, T0)).filter((r) => r.gatewayId === 'gw-maint');
      expect(rows.map((r) => [r.phase, r.atMs, r.durationS])).toEqual([
        ['raised', T0 - 2 * day, null],
        ['cleared', T0 - 1.99 * day, 1200],
      ]);
    });

    it('stores text a JSON column of PostgreSQL would refuse (NUL) rather than stalling the stream', async () => {
      const e = gw.event(0, { type: 'gateway-started', phase: 'instant', severity: 'info', data: { version: 'v\u0000bad', elevators: [] } });
      const r = await ingest(e);
      expect(r.stored).toBe(1);
    });
  });
}
