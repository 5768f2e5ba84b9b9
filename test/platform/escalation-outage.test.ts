import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { EscalationTimer, rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * With the database down the escalation sweep fails every second. docs/platform.md: like the
 * ingest, it says so once when the failures start and once when a sweep gets through again, with
 * the failed sweeps counted — not a line a second (3,600 an hour on an SD card). A ticket whose
 * escalation fell due in the outage is escalated at the first sweep after it.
 */
describe('escalation sweep during a database outage', () => {
  const tmp = tempDir('elevgw-escalation-');
  let store: PlatformStore | undefined;
  afterEach(async () => {
    await store?.close();
    tmp.cleanup();
  });

  it('logs the outage once when it starts and once when it ends, and escalates what fell due meanwhile', async () => {
    const clock = new FakeClock(0, Date.UTC(2026, 11, 7, 8));
    const lines: { msg: string; failedSweeps?: number; downMs?: number; err?: string }[] = [];
    const log = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
          done();
        },
      }),
    });
    const sqlite = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), clock.wallNow());
    store = sqlite;
    let down = false;
    const failing: PlatformStore = Object.assign(Object.create(sqlite) as PlatformStore, {
      escalateDue: (nowMs: number, policy: Parameters<PlatformStore['escalateDue']>[1]) =>
        down ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : sqlite.escalateDue(nowMs, policy),
    });
    const t = new LightGateway('gw-esc', 1, () => clock.wallNow()).trapped(0);
    await sqlite.ingest([toIngestItem(ingestRoutes('elevgw/v1'), { topic: t.raise.topic, payload: Buffer.from(t.raise.payload), receivedMs: clock.wallNow() })], rescuePolicy([5]));
    const timer = new EscalationTimer({ store: failing, policy: rescuePolicy([5]), clock, log });
    timer.start();

    await clock.advanceAsync(60_000);
    down = true;
    await clock.advanceAsync(600_000); // ten minutes down: 600 failed sweeps, the 5-minute escalation among them
    expect((await sqlite.ticket(t.raise.id!))?.escalation).toBe(0);
    down = false;
    await clock.advanceAsync(1000);
    timer.stop();

    expect(lines.map((l) => l.msg)).toEqual([
      'escalation sweep failed; retried every second, logged again when one succeeds',
      'escalation sweep succeeds again; due escalations are made',
      'rescue ticket escalated: not acknowledged in time',
    ]);
    expect(lines[0]!.err).toContain('ECONNREFUSED');
    expect(lines[1]).toMatchObject({ failedSweeps: 600, downMs: 600_000 });
    expect((await sqlite.ticket(t.raise.id!))?.escalation).toBe(1);
  });
});
