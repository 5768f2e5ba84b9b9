import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Operators } from '../../src/platform/http/auth.js';
import { LiveSnapshots } from '../../src/platform/http/live.js';
import { createHttpApi, listen } from '../../src/platform/http/server.js';
import { dutyDeskSnapshot } from '../../src/platform/http/snapshot.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { launchChromium } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';

/** A store whose every call fails while `down`, as `pg` does with PostgreSQL stopped. */
function switchableStore(inner: PlatformStore): { store: PlatformStore; setDown(down: boolean): void } {
  let down = false;
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (down) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, setDown: (d) => (down = d) };
}

/** The `event:` names of a server-sent-events stream, read until `until` has been seen. */
async function streamEvents(url: string, until: string): Promise<{ event: string; data: unknown }[]> {
  const ac = new AbortController();
  const r = await fetch(url, { signal: ac.signal });
  const reader = r.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const events: { event: string; data: unknown }[] = [];
  try {
    while (!events.some((e) => e.event === until)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const b of blocks) {
        const event = /^event: (.*)$/m.exec(b)?.[1];
        const data = /^data: (.*)$/m.exec(b)?.[1];
        if (event) events.push({ event, data: data === undefined ? undefined : JSON.parse(data) });
      }
    }
  } finally {
    ac.abort();
  }
  return events;
}

/**
 * The duty desk with the database down (/healthz says 503): the page must not go on saying "live"
 * over its last snapshot with ticket timers still counting, nor show empty tables as live when
 * opened during the outage. The stream says `unavailable`, the page says so plainly and marks its
 * timers stale, and comes back by itself when the database does.
 */
describe('duty desk while the database is down', () => {
  const tmp = tempDir('elevgw-desk-down-');
  const clock = new FakeClock(0, Date.now());
  let sqlite: PlatformStore;
  let db: ReturnType<typeof switchableStore>;
  let server: Server;
  let live: LiveSnapshots;
  let base = '';
  let ticketId = '';
  let browser: Browser;

  beforeAll(async () => {
    sqlite = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), clock.wallNow());
    db = switchableStore(sqlite);
    live = new LiveSnapshots({ build: () => dutyDeskSnapshot(db.store, clock.wallNow(), 60_000), timers: systemTimers, wallNow: () => clock.wallNow(), log: silentLogger });
    server = createHttpApi({ store: db.store, operators: new Operators([]), live, clock, silenceMs: 60_000, log: silentLogger });
    base = (await listen(server, '127.0.0.1', 0)).url;
    const t = new LightGateway('gw-down', 1, () => clock.wallNow()).trapped(0);
    await sqlite.ingest([toIngestItem(ingestRoutes('elevgw/v1'), { topic: t.raise.topic, payload: Buffer.from(t.raise.payload), receivedMs: clock.wallNow() })], rescuePolicy());
    ticketId = t.raise.id!;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    live.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await sqlite.close();
    tmp.cleanup();
  });

  const conn = (page: Page) => page.locator('#conn').textContent();
  const banner = (page: Page) => page.locator('#banner');
  const timer = (page: Page) => page.locator(`tr[data-ticket-id="${ticketId}"] [data-role="ticket-timer"]`);

  it('says the database is unreachable, freezes and marks the ticket timers, and recovers by itself', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await timer(page).waitFor();
    expect(await conn(page)).toBe('live');
    expect(await banner(page).isHidden()).toBe(true);
    const asOf = Number(await page.locator('body').getAttribute('data-snapshot-at'));

    db.setDown(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    clock.advance(90_000);
    live.changed();
    await banner(page).waitFor({ state: 'visible' });
    expect(await conn(page)).toBe('database unreachable');
    const hhmm = (ms: number, s = false) => page.evaluate(([ms, s]) => new Date(ms).toTimeString().slice(0, s ? 8 : 5), [ms, s] as const);
    expect(await banner(page).textContent()).toBe(`database unreachable since ${await hhmm(clock.wallNow())} — tickets below as of ${await hhmm(asOf, true)}`);
    expect(await timer(page).getAttribute('data-stale')).toBe('true');
    // Stopped at the last snapshot, not counting on as if it were live: 0:00 open, not 1:30.
    expect(await timer(page).textContent()).toBe(`open 0:00, escalates in 5:00 (stale, as of ${await hhmm(asOf, true)})`);
    await page.waitForTimeout(1500);
    expect(await timer(page).textContent()).toContain('open 0:00');

    db.setDown(false);
    live.changed();
    await banner(page).waitFor({ state: 'hidden' });
    expect(await conn(page)).toBe('live');
    expect(await timer(page).getAttribute('data-stale')).toBeNull();
    expect(await timer(page).textContent()).toMatch(/^open 1:3\d, escalates in 3:[23]\d$/);
    await page.close();
  }, 60_000);

  it('does not show empty tables as live when opened during the outage', async () => {
    db.setDown(true);
    const since = clock.wallNow();
    try {
      const page = await browser.newPage();
      await page.goto(base);
      await banner(page).waitFor({ state: 'visible' });
      expect(await conn(page)).toBe('database unreachable');
      expect(await banner(page).textContent()).toMatch(/^database unreachable since \d\d:\d\d — nothing to show yet$/);
      await page.close();

      const events = await streamEvents(`${base}/api/stream`, 'unavailable');
      expect(events.map((e) => e.event)).toEqual(['unavailable']);
      expect(events[0]!.data).toEqual({ code: 'DATABASE_UNREACHABLE', message: expect.stringContaining('ECONNREFUSED'), sinceMs: since, nowMs: clock.wallNow() });
    } finally {
      db.setDown(false);
    }
    const back = await streamEvents(`${base}/api/stream`, 'snapshot');
    expect(back.map((e) => e.event)).toEqual(['snapshot']);
  }, 60_000);
});
