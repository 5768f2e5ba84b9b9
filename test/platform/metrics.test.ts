import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FleetMessage, LightGateway } from '../../bench/fleet-messages.js';
import { FakeClock } from '../../src/core/clock.js';
import { IngestMetrics } from '../../src/platform/ingest/metrics.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import type { IngestItem } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { type DeskServer, startDeskServer } from '../helpers/desk-server.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * docs/platform.md: `GET /api/metrics` serves the rows stored (by every worker) and this worker's
 * counters side by side; neither may hide the other, dead letters included.
 */
describe('/api/metrics', () => {
  const tmp = tempDir('elevgw-metrics-');
  const clock = new FakeClock(0, Date.UTC(2026, 4, 11, 8));
  const metrics = new IngestMetrics(() => clock.wallNow());
  const dead = (n: number): IngestItem => ({ kind: 'dead', topic: 'elevgw/v1/gw/elevators/L1/events', receivedMs: clock.wallNow(), reason: `bad ${n}`, raw: Buffer.from('x') });
  let desk: DeskServer;

  beforeAll(async () => {
    desk = await startDeskServer({ dir: tmp.dir, clock, metrics: () => metrics.snapshot() });
    // Three dead letters stored by another worker (or before this one started) …
    await desk.store.ingest([dead(1), dead(2), dead(3)], rescuePolicy());
    // … and one by this worker.
    const mine = [dead(4)];
    metrics.committed(mine, await desk.store.ingest(mine, rescuePolicy()));
  });

  afterAll(async () => {
    await desk?.close();
    tmp.cleanup();
  });

  it('reports the dead-letter rows stored and the dead letters this worker kept, under their own names', async () => {
    const m = (await (await fetch(`${desk.base}/api/metrics`)).json()) as Record<string, unknown>;
    expect(m).toMatchObject({ events: 0, telemetry: 0, stats: 0, deadLetters: 4, received: 1, deadLettered: 1, commits: 1 });
  });
});

/**
 * docs/platform.md: the commit lag (`commitAge…`, commit time − `at`) is what the sizing advice
 * reads. A retained copy the broker hands a restarted worker (published when its gateway connected,
 * minutes ago) and a payload of a gateway whose clock NTP has not set (`clockSynced: false`, `at` in
 * 1970) are not lag: they are counted apart and leave the figure alone.
 */
describe('commit lag', () => {
  const clock = new FakeClock(0, Date.UTC(2026, 11, 7, 22));
  const routes = ingestRoutes('elevgw/v1');
  const arrive = (m: FleetMessage, retainedSince?: number) =>
    toIngestItem(routes, { topic: m.topic, payload: Buffer.from(m.payload), receivedMs: clock.wallNow(), ...(retainedSince === undefined ? {} : { retainedSince }) });
  const result = (n: number) => ({ stored: n, duplicates: 0, deadLetters: 0, ticketsOpened: [], ticketsResolved: [] });

  it('leaves out retained copies after a worker restart and payloads of an unsynchronised gateway clock', () => {
    const gw = new LightGateway('gw-lag', 2, () => clock.wallNow());
    // Published 516 s before this worker subscribed, handed over again as retained copies.
    const info = gw.info(0);
    const status = gw.status('online');
    clock.advance(516_397);
    const metrics = new IngestMetrics(() => clock.wallNow());
    const restart = [arrive(info, clock.wallNow()), arrive(status, clock.wallNow())];
    expect(restart.map((i) => i.kind)).toEqual(['info', 'status']);
    metrics.committed(restart, result(1));
    // A Pi without RTC before NTP: `at` in 1970, and it says so.
    const booting = JSON.parse(gw.telemetry(1).payload) as Record<string, unknown>;
    const unsynced = { ...booting, at: '1970-01-01T00:00:30.000Z', clockSynced: false };
    const items = [arrive({ ...gw.telemetry(1), payload: JSON.stringify(unsynced) })];
    // And what is lag: live messages 40 ms old at their commit, a live info among them.
    const live = [gw.telemetry(0), gw.event(0, { type: 'door-lock-fault', phase: 'raised', severity: 'fault' }), gw.info(1)];
    clock.advance(40);
    items.push(...live.map((m) => arrive(m)));
    expect(items.flatMap((i) => (i.kind === 'dead' ? [i.reason] : []))).toEqual([]);
    metrics.committed(items, result(4));

    expect(metrics.snapshot()).toMatchObject({ commitAgeP50Ms: 40, commitAgeP99Ms: 40, commitAgeMaxMs: 40, lagSkippedRetained: 2, lagSkippedUnsynced: 1, received: 6 });
  });

  it('reports the lag as unknown (null), not 0 ms, when no message was measured', () => {
    // A fleet whose clocks NTP has not set yet: every payload says `clockSynced: false`, `at` in 1970.
    const gw = new LightGateway('gw-unsynced', 1, () => clock.wallNow());
    const items = [0, 1, 2].map(() => {
      const t = JSON.parse(gw.telemetry(0).payload) as Record<string, unknown>;
      return arrive({ ...gw.telemetry(0), payload: JSON.stringify({ ...t, at: '1970-01-01T00:00:30.000Z', clockSynced: false }) });
    });
    clock.advance(5_000);
    const metrics = new IngestMetrics(() => clock.wallNow());
    expect(metrics.snapshot()).toMatchObject({ commitAgeP50Ms: null, commitAgeP99Ms: null, commitAgeMaxMs: null });
    metrics.committed(items, result(3));

    expect(metrics.snapshot()).toMatchObject({ received: 3, lagSkippedUnsynced: 3, commitAgeP50Ms: null, commitAgeP99Ms: null, commitAgeMaxMs: null });
  });
});
