import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClock, systemTimers } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import type { BrokerOptions } from '../../src/platform/ingest/sessions.js';
import { IngestWorker } from '../../src/platform/ingest/worker.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = Date.UTC(2026, 4, 11, 8);
const SESSIONS = 4;
const LOST = 'mqtt broker unavailable; sessions reconnecting, unacknowledged messages stay with the broker';
const BACK = 'mqtt broker available again; all sessions connected';

interface Line {
  level: number;
  msg: string;
  err?: string;
  failedAttempts?: number;
  downMs?: number;
}

/** pino's numeric levels: debug 20, info 30. */
const DEBUG = 20;
const INFO = 30;

/**
 * docs/platform.md, Ingest: a broker outage is logged like a database outage, once when the worker
 * loses the broker and once when all its sessions are connected again. Each session retries every
 * second on its own: 64 sessions wrote 64 warn lines a second before, and nothing said the broker was back.
 */
describe('broker outage under a running worker', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function worker(broker: BrokerOptions, lines: Line[]): Promise<IngestWorker> {
    const tmp = tempDir();
    cleanups.push(() => tmp.cleanup());
    const store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'p.db')), NOW);
    cleanups.push(() => store.close());
    const log = createLogger({
      level: 'debug',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as Line);
          done();
        },
      }),
    });
    const w = new IngestWorker({
      broker,
      topicPrefix: 'elevgw/v1',
      group: 'broker-outage',
      workerId: 'w1',
      sessions: SESSIONS,
      sessionExpiryS: 300,
      store,
      policy: rescuePolicy(),
      clock: new FakeClock(0, NOW),
      timers: systemTimers,
      log,
    });
    cleanups.push(() => w.stop());
    return w;
  }

  it('says once that the broker is gone and once that it is back, with the failed attempts counted, not logged', async () => {
    const mosq = await Mosquitto.start();
    cleanups.push(() => mosq.close());
    const lines: Line[] = [];
    const w = await worker({ url: mosq.url }, lines);
    await w.start();
    const before = lines.length;
    const said = () => lines.slice(before).filter((l) => l.level >= INFO);
    const attempts = () => lines.slice(before).filter((l) => l.level === DEBUG && l.msg === 'mqtt session error').length;

    await mosq.stop('SIGTERM');
    await vi.waitFor(() => expect(said().map((l) => l.msg)).toContain(LOST), { timeout: 10_000, interval: 50 });
    // Every session retries a few times meanwhile: counted, not slept for.
    await vi.waitFor(() => expect(attempts()).toBeGreaterThanOrEqual(2 * SESSIONS), { timeout: 15_000, interval: 50 });
    const failed = attempts();
    await mosq.start();
    await vi.waitFor(() => expect(w.connectedSessions).toBe(SESSIONS), { timeout: 15_000, interval: 50 });
    await vi.waitFor(() => expect(said().map((l) => l.msg)).toContain(BACK), { timeout: 5_000, interval: 50 });

    expect(said().map((l) => l.msg)).toEqual([LOST, BACK]);
    expect(said()[0]!.err).toBe('connection closed');
    expect(said()[1]!.failedAttempts).toBeGreaterThanOrEqual(failed);
    expect(said()[1]!.downMs).toBeGreaterThan(0);
    // Stopping the worker ends its sessions: that is not the broker going away.
    await w.stop();
    expect(said().map((l) => l.msg)).toEqual([LOST, BACK]);
  }, 60_000);

  it('shows an error that is not the broker being away (a refused login) once, not once per session', async () => {
    const mosq = await Mosquitto.start({ users: { ingest: 'right' } });
    cleanups.push(() => mosq.close());
    const lines: Line[] = [];
    const w = await worker({ url: mosq.url, username: 'ingest', password: 'wrong' }, lines);
    // Never resolves: no session gets in.
    void w.start();
    const refusals = () => lines.filter((l) => l.msg === 'mqtt session error' && /not authorized/i.test(l.err ?? ''));
    await vi.waitFor(() => expect(refusals()).toHaveLength(SESSIONS), { timeout: 15_000, interval: 50 });

    expect(refusals().filter((l) => l.level > DEBUG)).toHaveLength(1);
    expect(lines.filter((l) => l.msg === LOST)).toHaveLength(1);
  }, 30_000);
});
