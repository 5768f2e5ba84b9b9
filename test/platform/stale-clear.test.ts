import { describe, expect, it } from 'vitest';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';

// docs/platform.md "Rescue tickets": a `trapped` raise opens a ticket; it is resolved by *the fault's*
// clear. docs/contract.md "Time": a gateway whose clock is not synchronised sends a wrong `at`
// (clockSynced: false) and the platform keeps it as sent. Here an older episode's clear, stored a day
// earlier, resolves a brand-new trapped ticket the moment it opens because the new raise's `at` is
// earlier than that clear (a Pi without RTC after a power cut).
const routes = ingestRoutes('elevgw/v1');
const topic = 'elevgw/v1/gw1/elevators/E1/events';
const el = { id: 'E1', registrationCode: '31104201002026110001', rescueCode: 'JH-10001' };
const state = { floor: '5', floorIndex: 5, door: 'closed', carStatus: 'stop' };
const ev = (id: string, at: string, phase: 'raised' | 'cleared', clockSynced = true) => ({
  v: 1,
  minor: 1,
  id,
  gatewayId: 'gw1',
  at,
  clockSynced,
  elevator: el,
  type: 'trapped',
  code: '11',
  name: '困人',
  phase,
  severity: 'critical',
  state,
  data: phase === 'raised' ? { floor: 5, positionMm: 16540, inZone: false, holdS: 30, trigger: 'timeout', stoppedS: 30 } : { reason: 'door-opened' },
});
const item = (p: object, receivedMs: number) => toIngestItem(routes, { topic, payload: Buffer.from(JSON.stringify(p)), receivedMs });

describe("an earlier episode's clear and a new trapped ticket", () => {
  it('a new trapped raise with an unsynchronised (earlier) clock stays open until its own clear', async () => {
    const store = await SqlPlatformStore.open(new SqliteDb(':memory:'), Date.UTC(2026, 11, 7));
    const policy = rescuePolicy();
    const day1 = Date.UTC(2026, 11, 6, 10);
    // Episode 1, yesterday, clock synchronised: raised and cleared.
    await store.ingest([item(ev('01M96000000000000000000001', new Date(day1).toISOString(), 'raised'), day1)], policy);
    await store.ingest([item(ev('01M96000000000000000000002', new Date(day1 + 60_000).toISOString(), 'cleared'), day1 + 60_000)], policy);
    // Episode 2, today, after a reboot without RTC: the gateway clock is behind (clockSynced false).
    const now = Date.UTC(2026, 11, 7, 9);
    const r = await store.ingest([item(ev('00000094Z0A89SY8FE6B96VMCK', '1970-01-01T00:05:00.000Z', 'raised', false), now)], policy);
    expect(r.ticketsOpened).toEqual(['00000094Z0A89SY8FE6B96VMCK']);
    const t = await store.ticket('00000094Z0A89SY8FE6B96VMCK');
    expect(t?.state).toBe('open');
    expect((await store.activeFaults()).map((f) => f.raisedId)).toContain('00000094Z0A89SY8FE6B96VMCK');
    await store.close();
  });
});
