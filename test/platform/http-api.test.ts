import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { FakeClock } from '../../src/core/clock.js';
import type { LiveSnapshots } from '../../src/platform/http/live.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { type DeskServer, startDeskServer } from '../helpers/desk-server.js';
import { tempDir } from '../helpers/tmp.js';

/** The duty desk's HTTP API: reads, the live stream, and commands that need an operator's token. */
describe('duty desk HTTP API', () => {
  const tmp = tempDir('elevgw-http-');
  const clock = new FakeClock(0, Date.UTC(2026, 4, 11, 8));
  const TOKEN = 'desk-token-0123456789';
  let desk: DeskServer;
  let store: PlatformStore;
  let live: LiveSnapshots;
  let base = '';
  let ticketId = '';

  beforeAll(async () => {
    desk = await startDeskServer({ dir: tmp.dir, clock, operators: [{ name: 'duty-officer', token: TOKEN }] });
    ({ store, live, base } = desk);
    const gw = new LightGateway('gw-http', 1, () => clock.wallNow());
    const routes = ingestRoutes('elevgw/v1');
    const t = gw.trapped(0);
    const day = 86_400_000;
    const m = (phase: 'raised' | 'cleared', daysAgo: number, d = 600) => gw.maintenance(0, phase, d, new Date(clock.wallNow() - daysAgo * day).toISOString());
    const items = [t.raise, m('raised', 40), m('cleared', 39.99), m('raised', 20), m('cleared', 19.99, 0)].map((x) =>
      toIngestItem(routes, { topic: x.topic, payload: Buffer.from(x.payload), receivedMs: clock.wallNow() }),
    );
    await store.ingest(items, rescuePolicy());
    ticketId = t.raise.id!;
  });

  afterAll(async () => {
    await desk?.close();
    tmp.cleanup();
  });

  const post = (path: string, auth?: string, body: unknown = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(body) });

  it('refuses a command without a valid bearer token, and changes nothing', async () => {
    for (const auth of [undefined, 'Bearer wrong-token-wrong-token', `Basic ${TOKEN}`]) {
      const r = await post(`/api/tickets/${ticketId}/acknowledge`, auth);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    expect((await store.ticket(ticketId))?.state).toBe('open');
  });

  it('stores who acknowledged and closed a ticket, and says when it was no longer open', async () => {
    const ack = await post(`/api/tickets/${ticketId}/acknowledge`, `Bearer ${TOKEN}`, { note: 'team on the way' });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedMs: clock.wallNow() });
    expect((await post(`/api/tickets/${ticketId}/acknowledge`, `Bearer ${TOKEN}`)).status).toBe(409);
    expect((await post(`/api/tickets/${ticketId}/close`, `Bearer ${TOKEN}`, { extra: 1 })).status).toBe(400);
    clock.advance(600_000);
    expect((await post(`/api/tickets/${ticketId}/close`, `Bearer ${TOKEN}`, { note: 'released' })).status).toBe(200);
    const t = (await (await fetch(`${base}/api/tickets/${ticketId}`)).json()) as { transitions: { kind: string; who: string; note: string | null }[] };
    expect(t.transitions.map((x) => [x.kind, x.who, x.note])).toEqual([
      ['opened', 'platform', expect.any(String)],
      ['acknowledged', 'duty-officer', 'team on the way'],
      ['resolved', 'duty-officer', 'released'],
    ]);
    expect((await post('/api/tickets/nope/close', `Bearer ${TOKEN}`)).status).toBe(404);
    // A broken percent-escape in the path is the request's fault: 400, not 500.
    const broken = await fetch(`${base}/api/tickets/%E0%A4%A`);
    expect([broken.status, ((await broken.json()) as { error: { code: string } }).error.code]).toEqual([400, 'INVALID']);
    expect((await post('/api/tickets/%E0%A4%A/close', `Bearer ${TOKEN}`)).status).toBe(400);
    expect((await fetch(`${base}/api/blackbox/gw1/%ZZ`)).status).toBe(400);
  });

  it('streams the duty-desk snapshot as server-sent events', async () => {
    live.start();
    const ctrl = new AbortController();
    const r = await fetch(`${base}/api/stream`, { signal: ctrl.signal });
    expect(r.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('event: snapshot\ndata: ')) text += new TextDecoder().decode((await reader.read()).value);
    while (!text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    const snap = JSON.parse(text.split('event: snapshot\ndata: ')[1]!.trim()) as { tickets: { id: string }[]; elevators: unknown[] };
    expect(snap.tickets.map((t) => t.id)).toEqual([ticketId]);
    ctrl.abort();
  });

  it('refuses a maintenance window that does not start before it ends (400 INVALID, naming both), instead of an all-clear', async () => {
    const r = await fetch(`${base}/api/maintenance?from=2026-12-01&to=2026-11-01&format=csv`);
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({
      error: { code: 'INVALID', message: expect.stringContaining('from 2026-12-01T00:00:00.000Z is not before to 2026-11-01T00:00:00.000Z') },
    });
  });

  it('serves the maintenance evidence as JSON and CSV, with the overdue lift', async () => {
    const json = (await (await fetch(`${base}/api/maintenance?from=2026-04-01`)).json()) as { overdue: string[]; elevators: { intervalsDays: number[]; emptySessions: number }[] };
    expect(json.overdue).toEqual(['gw-http/E1']);
    expect(json.elevators[0]).toMatchObject({ intervalsDays: [20], emptySessions: 1 });
    const csv = await (await fetch(`${base}/api/maintenance?from=2026-04-01&format=csv`)).text();
    expect(csv.split('\r\n')[0]).toBe(
      'gateway_id,elevator_id,registration_code,sessions,total_duration_s,empty_sessions,last_session_at,days_since_last,longest_interval_days,intervals_over_limit,overdue',
    );
    // Ten minutes passed in the test before: 20 days and 10 minutes since the last session.
    expect(csv.split('\r\n')[1]).toMatch(/^gw-http,E1,\d{20},2,600,1,2026-04-21T08:00:00.000Z,20.01,20,1,yes$/);
    expect((await fetch(`${base}/api/maintenance?from=yesterday`)).status).toBe(400);
  });

  it('says what a window bound must look like when it refuses one', async () => {
    for (const [name, value] of [
      ['from', '2026-13-01'],
      ['to', '2026-12-01T08:00:00'],
    ] as const) {
      const r = await fetch(`${base}/api/maintenance?${name}=${value}`);
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({
        error: { code: 'INVALID', message: `${name}: expected an ISO date (2026-12-01) or a time with Z or an offset (2026-12-01T08:00:00+08:00), got "${value}"` },
      });
    }
  });

  it('refuses a query parameter the route does not take, naming it and the ones it takes', async () => {
    const refused = async (path: string) => {
      const r = await fetch(`${base}${path}`);
      return { status: r.status, body: (await r.json()) as unknown };
    };
    // A misspelt filter must not answer with every gateway's events.
    expect(await refused('/api/events?gatway=gw-a')).toEqual({
      status: 400,
      body: { error: { code: 'INVALID', message: 'unknown query parameter "gatway": this route takes gateway, elevator, type, limit' } },
    });
    expect((await refused('/api/events?gateway=gw-http&limt=2')).body).toEqual({
      error: { code: 'INVALID', message: 'unknown query parameter "limt": this route takes gateway, elevator, type, limit' },
    });
    expect((await refused('/api/dead-letters?offset=10&page=2')).body).toEqual({
      error: { code: 'INVALID', message: 'unknown query parameters "offset", "page": this route takes limit' },
    });
    expect((await refused('/api/maintenance?frm=2026-01-01')).body).toEqual({
      error: { code: 'INVALID', message: 'unknown query parameter "frm": this route takes from, to, format' },
    });
    expect((await refused('/api/tickets?state=open')).body).toEqual({
      error: { code: 'INVALID', message: 'unknown query parameter "state": this route takes no query parameters' },
    });
    expect((await refused('/api/stream?x=1')).status).toBe(400);
    // The known ones still answer.
    const events = (await (await fetch(`${base}/api/events?gateway=gw-http&type=trapped&limit=1`)).json()) as { gatewayId: string }[];
    expect(events.map((e) => e.gatewayId)).toEqual(['gw-http']);
  });
});
