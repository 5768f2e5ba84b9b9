import { schedule } from 'node-cron';
import type { ElevatorConfig } from '../config/site.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { clockSynced } from '../core/clock-sync.js';
import type { StatsPayload } from '../contract/payloads.js';
import type { StatsPeriod, StatsRecord } from '../detect/stats.js';
import { PRIORITY, type NewRecord } from '../outbox/types.js';

/**
 * Statistics roll up on wall-clock boundaries (top of the hour, midnight local time), which the
 * platform expects; the figures themselves are measured on sample time by StatsCollector.
 * Returns a function that stops the schedule.
 */
export function scheduleStatsRollups(rollup: (period: StatsPeriod) => void, logger: Logger): () => void {
  const guarded = (period: StatsPeriod) => () => {
    try {
      rollup(period);
    } catch (e) {
      logger.error({ period, err: String(e) }, 'statistics roll-up failed');
    }
  };
  const tasks = [schedule('0 * * * *', guarded('hour')), schedule('0 0 * * *', guarded('day'))];
  return () => {
    for (const t of tasks) void t.stop();
  };
}

/** A stats record as an outbox row (stats lane: evicted before events, drained after them). */
export function statsRecord(o: { id: string; gatewayId: string; elevator: ElevatorConfig; record: StatsRecord; clock: Clock; timeScale: number }): NewRecord {
  const wallOf = (mono: number) => o.clock.wallNow() - (o.clock.now() - mono) / o.timeScale;
  const { period, fromMono, toMono, ...figures } = o.record;
  const wall = o.clock.wallNow();
  const payload: StatsPayload = {
    v: 1,
    id: o.id,
    gatewayId: o.gatewayId,
    at: new Date(wall).toISOString(),
    clockSynced: clockSynced(),
    elevator: { id: o.elevator.id, registrationCode: o.elevator.registrationCode, rescueCode: o.elevator.rescueCode },
    period,
    from: new Date(wallOf(fromMono)).toISOString(),
    to: new Date(wallOf(toMono)).toISOString(),
    ...figures,
  };
  return { id: o.id, kind: 'stats', elevatorId: o.elevator.id, priority: PRIORITY.stats, createdAt: wall, payload: JSON.stringify(payload) };
}
