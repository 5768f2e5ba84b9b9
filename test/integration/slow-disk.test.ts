import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { readOutbox, runGateway, stopChild } from '../helpers/child-gateway.js';
import { siteYaml } from '../helpers/gateway.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Platform } from '../helpers/platform.js';
import { slowDisk } from '../helpers/slow-disk.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The whole gateway on a slow SD card: once it runs, strace delays every fsync and fdatasync by
 * 100 ms and records which thread made each. The thread that polls, detects and publishes (the
 * process's main thread, whose id is its pid) must make none of them: the events are still made
 * durable — by libuv's pool — and still reach the platform.
 */
describe('gateway on a slow disk: no fsync on the polling thread', () => {
  const tmp = tempDir();
  let mosq: Mosquitto;
  let platform: Platform;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    mosq = await Mosquitto.start();
    platform = await Platform.connect(mosq.url, 'sd-gw');
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.demo!.scenario, timeScale: 20, loop: true });
  });

  afterAll(async () => {
    if (child) await stopChild(child, 'SIGKILL');
    await platform?.close();
    await sim?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  it('raises and delivers events while every sync waits 100 ms, all of them off the main thread', async () => {
    const dbPath = join(tmp.dir, 'outbox.db');
    const config = tmp.file('site.yaml', siteYaml({ simPort: sim.port, brokerUrl: mosq.url, outboxPath: dbPath, timeScale: 20, gatewayId: 'sd-gw' }));
    child = runGateway(config);
    await vi.waitFor(() => expect(platform.onlineStatuses).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });
    const log = tmp.file('strace.log', '');
    const mainPid = child.pid!;
    const disk = await slowDisk(mainPid, 100, log);
    const before = platform.arrivals.filter((a) => a.topic.includes('/elevators/')).length;
    await vi.waitFor(() => expect(platform.arrivals.filter((a) => a.topic.includes('/elevators/')).length).toBeGreaterThanOrEqual(before + 5), {
      timeout: 60_000,
      interval: 50,
    });
    await stopChild(child, 'SIGKILL'); // no clean stop: its closing checkpoint may sync inline, by design
    child = undefined;
    await disk.exited;

    const calls = readFileSync(log, 'utf8')
      .split('\n')
      .flatMap((l) => {
        const m = /^(\d+)\s+(fsync|fdatasync)\(/.exec(l);
        return m ? [{ tid: Number(m[1]), call: m[2]! }] : [];
      });
    const main = calls.filter((c) => c.tid === mainPid);
    expect(main, 'fsync/fdatasync calls made by the main thread').toEqual([]);
    expect(calls.length, 'syncs made by the pool while events were raised').toBeGreaterThanOrEqual(1);
    // What the platform got is in the file: stored before it was published.
    const stored = new Set(readOutbox(dbPath).map((r) => r.id));
    const got = platform.arrivals.filter((a) => a.topic.includes('/elevators/') && a.topic.endsWith('/events')).map((a) => a.id);
    expect(got.filter((id) => !stored.has(id))).toEqual([]);
  });
});
