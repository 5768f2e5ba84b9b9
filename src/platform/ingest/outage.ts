import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';

/**
 * Whether the database is away, as this worker's writes find it. The outage is logged once when a
 * write first fails for a transient reason and once when a write gets through again, however many
 * retries lie between: a line per attempt would bury the two that matter to whoever reads the log.
 */
export class DbOutage {
  private sinceMs: number | undefined;
  private failures = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  get down(): boolean {
    return this.sinceMs !== undefined;
  }

  /** A write failed for a transient reason and will be retried. */
  failed(e: unknown): void {
    this.failures++;
    if (this.sinceMs !== undefined) return;
    this.sinceMs = this.now();
    this.log.error({ err: errorMessage(e) }, 'database unavailable; retrying with back-off, messages stay unacknowledged');
  }

  /** A write got through. */
  succeeded(): void {
    if (this.sinceMs === undefined) return;
    this.log.info({ downMs: Math.round(this.now() - this.sinceMs), failedAttempts: this.failures }, 'database available again; the held messages are being stored');
    this.sinceMs = undefined;
    this.failures = 0;
  }
}

/** Socket-level errors of a broker that is away (stopped, restarting, unreachable): the outage itself, not news. */
const BROKER_AWAY = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function isBrokerAway(e: Error): boolean {
  const code = (e as { code?: unknown }).code;
  return (typeof code === 'string' && BROKER_AWAY.has(code)) || /connack timeout|keepalive timeout/i.test(e.message);
}

/**
 * Whether the broker is away, as this worker's MQTT sessions find it. Each session reconnects on its
 * own every second, so a line per attempt would be `sessions` lines a second for as long as the broker
 * is down. Instead, as for the database: one line when the worker loses the broker (its first session
 * lost, with why), one when all its sessions are connected again (how long, how many attempts failed).
 * The attempts themselves go to debug. An error that is not the broker being away (a refused login, a
 * certificate) is something to fix, so each distinct one is still logged once per outage.
 */
export class BrokerOutage {
  private sinceMs: number | undefined;
  private failures = 0;
  private readonly down = new Set<number>();
  private readonly lastError = new Map<number, string>();
  private readonly told = new Set<string>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** A session's connection attempt or live connection reported an error (mqtt.js retries on its own). */
  error(session: number, e: Error): void {
    this.lastError.set(session, e.message);
    if (isBrokerAway(e) || this.told.has(e.message)) {
      this.log.debug({ err: e.message, session }, 'mqtt session error');
      return;
    }
    this.told.add(e.message);
    this.log.warn({ err: e.message, session }, 'mqtt session error');
  }

  /** A session's connection closed, or an attempt to open it failed; `reason` when the broker said why. */
  closed(session: number, reason?: string): void {
    if (this.down.has(session)) this.failures++;
    this.down.add(session);
    if (this.sinceMs !== undefined) return;
    this.sinceMs = this.now();
    const err = reason ?? this.lastError.get(session) ?? 'connection closed';
    this.log.error({ err, session }, 'mqtt broker unavailable; sessions reconnecting, unacknowledged messages stay with the broker');
  }

  /** A session is connected (again). */
  connected(session: number): void {
    this.down.delete(session);
    this.lastError.delete(session);
    if (this.sinceMs === undefined || this.down.size > 0) return;
    this.log.info({ downMs: Math.round(this.now() - this.sinceMs), failedAttempts: this.failures }, 'mqtt broker available again; all sessions connected');
    this.sinceMs = undefined;
    this.failures = 0;
    this.told.clear();
  }
}
