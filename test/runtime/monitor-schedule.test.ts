import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialHealth } from '../../drivers/kernel/health.js';
import type { Driver } from '../../drivers/types.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { thresholdsSchema } from '../../src/config/thresholds.js';
import { type Clock, FakeClock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import { silentLogger } from '../../src/core/log.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { LoadedElevator } from '../../src/config/load.js';
import { DiagView } from '../../src/runtime/diag-view.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';

/**
 * The poll loop's schedule, in sample time: a fixed grid of the poll period. Whatever a poll
 * takes and however early a timer fires, the loop polls as often as asked — and a slave slower
 * than the period skips slots (counted, logged), it never queues polls.
 */
function monitorOn(opts: { clock: Clock; base: FakeClock; periodMs: number; pollMs: number; logger?: Logger }) {
  const loaded = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'sim-modbus.yaml'));
  const board = { ...loaded, pollGroups: [{ name: 'fast', intervalMs: opts.periodMs }] };
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const driver: Driver = {
    kind: 'fake',
    open: async () => undefined,
    close: async () => undefined,
    // The slave's answer takes `pollMs` of sample time.
    poll: async () => {
      starts.push(opts.base.now());
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise<void>((resolve) => opts.base.after(opts.pollMs, resolve));
      inFlight--;
      return [];
    },
    health: () => initialHealth(),
  };
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline: new ElevatorPipeline(board, { elevatorId: 'E1', thresholds: thresholdsSchema().parse({}), ratedSpeedMps: 1.6, floors: [{ label: '1', levelMm: 0 }] }),
    driver: async () => driver,
    clock: opts.clock,
    logger: opts.logger ?? silentLogger,
    onEvents: () => undefined,
  });
  const elevator = { config: { id: 'E1', floors: [{ label: '1', levelMm: 0 }], ratedSpeedMps: 1.6 }, board, thresholds: thresholdsSchema().parse({}) } as unknown as LoadedElevator;
  /** What `elevgw diag live` and `--json` read of this elevator through the diagnostics socket. */
  const diag = new DiagView({
    gatewayId: 'gw',
    clock: opts.clock,
    timeScale: 1,
    startedAt: 0,
    elevators: new Map([['E1', { elevator, monitor }]]),
    outbox: () => ({
      pending: 0,
      pendingByKind: { event: 0, telemetry: 0, stats: 0, status: 0 },
      oldestPendingCreatedAt: null,
      delivered: 0,
      evicted: 0,
      evictedByKind: { event: 0, telemetry: 0, stats: 0, status: 0 },
      dbBytes: 0,
    }),
    storage: () => ({ held: 0, failingSince: null }),
    uplink: () => ({ state: 'online', inflight: 0, published: 0 }),
  });
  return { monitor, starts, maxInFlight: () => maxInFlight, diag };
}

describe('poll loop schedule', () => {
  it('polls 1,000 times in 10 s at 10 ms although each poll takes 0.6 ms and timers fire up to 1 ms early', async () => {
    const base = new FakeClock();
    // Node truncates a delay to whole ms: 9.4 ms of wait fires after 9 ms.
    const early: Clock = { now: () => base.now(), wallNow: () => base.wallNow(), after: (ms, fn) => base.after(Math.floor(ms), fn) };
    const { monitor, starts } = monitorOn({ clock: early, base, periodMs: 10, pollMs: 0.6 });
    await monitor.start();
    await base.advanceAsync(10_000 - 0.5);
    const stopping = monitor.stop(); // the poll in flight ends as time moves on
    await base.advanceAsync(1);
    await stopping;
    // A loop timed from the end of each poll would run every ~9.6 ms here: ~1,040 polls.
    expect(starts.length).toBeGreaterThanOrEqual(1000);
    expect(starts.length).toBeLessThanOrEqual(1001);
    expect(starts.every((t, i) => Math.abs(t - i * 10) < 1)).toBe(true);
    expect(monitor.missedPolls.get('fast') ?? 0).toBe(0);
  });

  it('a slave slower than the period skips slots, counts, logs and reports them, and never has two polls in flight', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_o: unknown, msg?: string) => void warnings.push(String(msg)) } as unknown as Logger;
    const { monitor, starts, maxInFlight, diag } = monitorOn({ clock, base: clock, periodMs: 100, pollMs: 250, logger });
    await monitor.start();
    await clock.advanceAsync(60_000 - 1);
    const stopping = monitor.stop(); // the poll in flight ends as time moves on
    await clock.advanceAsync(300);
    await stopping;
    // Polls start on the 100 ms grid, every third slot: 0, 300, 600 …
    expect(starts.slice(0, 4)).toEqual([0, 300, 600, 900]);
    expect(starts.length).toBe(200);
    expect(maxInFlight()).toBe(1);
    // Two slots skipped per poll, all counted.
    expect(monitor.missedPolls.get('fast')).toBe(2 * 200);
    // … and shown to the technician (diag live, --json).
    expect(diag.snapshot('E1').elevators[0]!.missedPolls).toBe(400);
    // Logged once for the minute, not per poll.
    expect(warnings.filter((w) => w.includes('runs longer than its 100 ms period'))).toHaveLength(1);
  });
});
