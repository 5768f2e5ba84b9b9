import { randomUUID } from 'node:crypto';
import type { IClientOptions } from 'mqtt';
import type { UplinkConfig } from '../config/site.js';
import { systemClock, type Clock, type Timer } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage } from '../core/errors.js';
import { PRIORITY, type NewRecord, type Outbox, type StoredRecord } from '../outbox/types.js';
import type { InfoPayload, StatusPayload } from '../contract/payloads.js';
import { MESSAGES, STORED_KINDS, versionStamp } from '../contract/records.js';
import { topics, type TopicScheme } from '../contract/topics.js';
import type { CommandName, CommandRequest } from '../contract/commands.js';
import { answerCommand } from './command-answer.js';
import { mqttConnect, type MqttClientLike, type MqttConnect } from './client.js';
import { clientOptions, tlsFilesUnused } from './options.js';
import { publishProperties, refusedProtocolVersion, telemetryExpiryS, type ProtocolVersion } from './protocol.js';

export interface UplinkOptions {
  config: UplinkConfig;
  gatewayId: string;
  outbox: Outbox;
  logger: Logger;
  /** The retained status document (online), rebuilt at each publish. */
  status: () => StatusPayload;
  /** Injectable for tests: uniform random in [0, 1). */
  random?: () => number;
  /** Reconnect back-off, the drain-rate bucket and the stop flush run on it (default: the system clock). */
  clock?: Clock;
  /** The MQTT client factory (default: mqtt.js); tests inject an in-memory broker. */
  connect?: MqttConnect;
  /** Executes a validated platform command (read-only); its result is the response. */
  onCommand?: (name: CommandName, request: CommandRequest) => unknown;
  /** The retained description of each elevator, rebuilt at each connection and each `publishInfo`. */
  info?: () => { elevatorId: string; payload: InfoPayload }[];
  /** Random per process start (every payload's `bootId`); default a fresh one. */
  bootId?: string;
  /** The gateway's monotonic clock in real ms, for `monoMs` (default: the clock's `now`). */
  monoMs?: () => number;
  /** The MQTT version of the first connection (default 5): 4 (3.1.1) for a broker known to speak no other. */
  protocolVersion?: ProtocolVersion;
}

export type UplinkState = 'connecting' | 'online' | 'offline' | 'stopped';

/**
 * Drains the outbox to MQTT. The outbox is the only buffer: each connection gets a fresh
 * mqtt.js client (clean session, no automatic reconnect), so nothing waits in mqtt.js's own
 * store across a reconnect; rows not acknowledged by PUBACK stay pending and are resent with
 * the same id. Reconnects back off exponentially with full jitter.
 */
export class Uplink {
  readonly topics: TopicScheme;
  private client?: MqttClientLike;
  private generation = 0;
  private readonly inflight = new Set<number>();
  private attempts = 0;
  private reconnectTimer?: Timer;
  private drainScheduled = false;
  /**
   * True when the last drain found every pending row in flight: nothing older waits, so fresh
   * records may go out at once (`deliver`) and a PUBACK need not look for more. Cleared by
   * anything that can leave rows waiting: a new connection, a drain that filled its window or ran
   * out of tokens, a fresh record that could not go at once, a failed publish.
   */
  private caughtUp = false;
  private stopped = false;
  private _state: UplinkState = 'offline';
  private published = 0;
  private tokens = 0;
  private tokensAt: number;
  private rateTimer?: Timer;
  /**
   * Rows the broker refused in this round, by seq: an MQTT 5 PUBACK with a reason code of 0x80 or
   * more (its ACL does not allow the topic, a quota, …). The broker had them and said no, so
   * sending them again at once is refused again: at every drain, before this, they went out
   * again, each with a log line, and took tokens from the rest. They stay stored, and wait for
   * the next round (uplink.reconnectMaxMs) or the next connection; everything else flows.
   */
  private readonly refused = new Set<number>();
  private refusalTimer?: Timer;
  /** Set while stop() waits for in-flight acknowledgements: true when they came, false when the link went. */
  private onInflightEmpty?: (settled: boolean) => void;
  private readonly clock: Clock;
  /** MQTT 5 (unless told otherwise) until a broker refuses it; then 3.1.1 for the rest of this process. */
  private protocol: ProtocolVersion;
  /** Info as last published on this connection, by elevator (without its time fields). */
  private readonly infoSent = new Map<string, string>();
  readonly bootId: string;

  constructor(private readonly o: UplinkOptions) {
    this.topics = topics(o.config.topicPrefix, o.gatewayId);
    this.clock = o.clock ?? systemClock;
    this.tokensAt = this.clock.now();
    this.bootId = o.bootId ?? randomUUID();
    this.protocol = o.protocolVersion ?? 5;
  }

  /** The MQTT protocol version of the current (or next) connection: 5, or 4 (3.1.1) after a refusal. */
  get protocolVersion(): ProtocolVersion {
    return this.protocol;
  }

  get state(): UplinkState {
    return this._state;
  }

  stats(): { state: UplinkState; inflight: number; published: number } {
    return { state: this._state, inflight: this.inflight.size, published: this.published };
  }

  start(): void {
    this.stopped = false;
    const { url } = this.o.config;
    if (tlsFilesUnused(this.o.config)) this.o.logger.warn({ url: redactUrl(url) }, 'uplink.tls is set but the URL is not TLS (use mqtts://): the TLS files are not used');
    this.connect();
  }

  /**
   * Fresh records: `store` appends them to the outbox, then they are published. When the uplink
   * is caught up and has room in its window (and tokens, for all but critical records), they go
   * out at once, in this tick, on the wire before anything else the tick does: no setImmediate,
   * no read back from the outbox. The row always comes first — a process that dies after the
   * INSERT keeps it (the page cache survives the process), while one that died between a publish
   * and its INSERT could lose the event outright (the kernel resets a dying socket that has
   * unread data, dropping what it had not sent). Only the fsync may come after the publish
   * (background-sync.ts). Otherwise they wait and are drained in order with what waits.
   * Returns what `store` returned.
   */
  deliver(records: readonly NewRecord[], store: () => StoredRecord[]): StoredRecord[] {
    const stored = store();
    const client = this.client;
    // Rows the store added besides these (held ones, stored late) go in order, through the drain.
    if (!client || !this.caughtUp || this._state !== 'online' || stored.length !== records.length || !this.fits(stored)) {
      this.caughtUp = false;
      this.kick();
      return stored;
    }
    for (const r of stored) {
      this.inflight.add(r.seq);
      this.publishRecord(client, r);
    }
    client.sendNow?.(); // mqtt-packet would send them on the next tick, after the rest of this one
    return stored;
  }

  /** Rows reached the outbox another way (a holding queue stored late): drain from the store. */
  resync(): void {
    this.caughtUp = false;
    this.kick();
  }

  /** Whether fresh records fit the in-flight window and the token bucket now (taking the tokens). */
  private fits(records: readonly NewRecord[]): boolean {
    if (this.o.config.inflightWindow - this.inflight.size < records.length) return false;
    const needed = records.filter((r) => r.priority !== PRIORITY.critical).length;
    if (needed === 0) return true;
    this.refill();
    if (this.tokens < needed) return false;
    this.tokens -= needed;
    return true;
  }

  /** New rows are in the outbox: drain soon (coalesced). */
  kick(): void {
    if (this.drainScheduled || this._state !== 'online') return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private options(): IClientOptions {
    // The will is fixed at connect: it carries the boot, not a monotonic time of its own.
    const { v, minor, bootId } = this.stamp();
    const offline: StatusPayload = { v, minor, gatewayId: this.o.gatewayId, state: 'offline', bootId };
    return clientOptions(this.o.config, {
      clientId: `elevgw-${this.o.gatewayId}`,
      protocol: this.protocol,
      will: { topic: this.topics.status, payload: JSON.stringify(offline), qos: MESSAGES.status.qos, retain: MESSAGES.status.retain },
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const gen = ++this.generation;
    this._state = 'connecting';
    let client: MqttClientLike;
    try {
      client = (this.o.connect ?? mqttConnect)(this.o.config.url, this.options());
    } catch (e) {
      this.o.logger.error({ err: errorMessage(e) }, 'mqtt connect failed');
      this._state = 'offline'; // until the next attempt, as after a refused one
      this.scheduleReconnect();
      return;
    }
    this.client = client;
    client.on('connect', () => {
      if (gen !== this.generation) return;
      this.attempts = 0;
      this._state = 'online';
      this.caughtUp = false;
      this.endRefusalRound(); // a new connection may come with a new ACL: try them all again
      this.o.logger.info({ url: redactUrl(this.o.config.url), mqtt: this.protocol === 5 ? '5' : '3.1.1' }, 'uplink online');
      this.publishStatus();
      this.infoSent.clear();
      this.publishInfo();
      if (this.o.onCommand) client.subscribe(this.topics.commands, { qos: 1 });
      this.kick();
    });
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.command(client, topic, payload);
    });
    let fallback = false;
    client.on('error', (e) => {
      if (gen !== this.generation) return;
      if (this._state === 'connecting' && this.protocol === 5 && refusedProtocolVersion(e)) {
        // A 3.1.1-only broker: say so once and connect again at once, without MQTT 5.
        this.o.logger.warn({ url: redactUrl(this.o.config.url), err: errorMessage(e) }, 'broker refuses MQTT 5; falling back to MQTT 3.1.1');
        this.protocol = 4;
        fallback = true;
        return;
      }
      this.o.logger.warn({ err: errorMessage(e) }, 'mqtt error');
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.dropConnection();
      if (this.stopped) return;
      if (fallback) {
        this.reconnectTimer?.cancel();
        this.reconnectTimer = this.clock.after(0, () => this.connect());
      } else this.scheduleReconnect();
    });
  }

  private dropConnection(): void {
    const c = this.client;
    this.client = undefined;
    this.generation++;
    if (this._state === 'online') this.o.logger.warn({ inflight: this.inflight.size }, 'uplink offline; pending events stay in the outbox');
    this._state = this.stopped ? 'stopped' : 'offline';
    this.inflight.clear();
    this.onInflightEmpty?.(false); // stop() need not wait for acknowledgements that cannot come
    this.caughtUp = false;
    c?.removeAllListeners();
    c?.on('error', () => undefined);
    c?.end(true);
  }

  private scheduleReconnect(): void {
    const { reconnectMinMs, reconnectMaxMs } = this.o.config;
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(this.attempts, 30));
    const delay = Math.max(100, Math.floor((this.o.random ?? Math.random)() * ceiling));
    this.attempts++;
    this.reconnectTimer?.cancel();
    this.reconnectTimer = this.clock.after(delay, () => this.connect());
  }

  /** Where a stored record goes, from the contract table (src/contract/records.ts). */
  topicFor(r: NewRecord): string {
    if (r.kind === 'status') return this.topics.status; // a kind the outbox accepts, never stored by this version
    return STORED_KINDS[r.kind].topic(this.topics, r.elevatorId);
  }

  /** Token bucket for the backlog rate (per second of the gateway's clock); at most one second's worth may accumulate. */
  private refill(): void {
    const now = this.clock.now();
    const rate = this.o.config.drainRatePerS;
    this.tokens = Math.min(Math.max(1, rate), this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
  }

  private drain(): void {
    const client = this.client;
    if (!client || this._state !== 'online') return;
    const free = this.o.config.inflightWindow - this.inflight.size;
    if (free <= 0) {
      // Rows may wait (this drain was asked for): the next PUBACK must drain, not assume caught up.
      this.caughtUp = false;
      return;
    }
    this.refill();
    const rows = this.o.outbox.next(free, this.refused.size === 0 ? this.inflight : new Set([...this.inflight, ...this.refused]));
    let waiting = rows.length === free; // a full page: more may wait behind it
    for (const r of rows) {
      // Critical events overtake the backlog and are never rate-limited; the rest wait for a token.
      if (r.priority !== PRIORITY.critical) {
        if (this.tokens < 1) {
          waiting = true;
          this.scheduleRateDrain();
          break;
        }
        this.tokens -= 1;
      }
      this.inflight.add(r.seq);
      this.publishRecord(client, r);
    }
    this.caughtUp = !waiting;
  }

  /** Publishes one stored record; its PUBACK marks it delivered and frees its place in the window. */
  private publishRecord(client: MqttClientLike, r: StoredRecord): void {
    const gen = this.generation;
    const spec = r.kind === 'status' ? MESSAGES.status : STORED_KINDS[r.kind];
    const expiryS = r.kind === 'telemetry' ? telemetryExpiryS(this.o.config.telemetryIntervalS) : undefined;
    client.publish(this.topicFor(r), r.payload, this.publishOptions(spec, expiryS), (err) => {
      if (gen !== this.generation) return; // a dropped connection: the row is still pending
      this.inflight.delete(r.seq);
      if (this.inflight.size === 0) this.onInflightEmpty?.(true);
      if (err) {
        this.caughtUp = false;
        if (refusedByBroker(err)) this.holdRefused(r, err);
        else this.o.logger.warn({ id: r.id, err: errorMessage(err) }, 'publish failed; will resend');
        return;
      }
      this.o.outbox.ack([r.id]);
      this.published++;
      // Caught up: nothing waits for the place this PUBACK freed.
      if (!this.caughtUp) this.kick();
    });
  }

  /** Keeps a refused row out of the drain until the round ends; says so once a round. */
  private holdRefused(r: StoredRecord, err: Error): void {
    this.refused.add(r.seq);
    if (this.refusalTimer) return;
    const retryMs = this.o.config.reconnectMaxMs;
    this.o.logger.warn(
      { id: r.id, topic: this.topicFor(r), err: errorMessage(err), retryS: retryMs / 1000 },
      'the broker refused a record; it stays stored and is sent again next round',
    );
    this.refusalTimer = this.clock.after(retryMs, () => {
      this.endRefusalRound();
      this.kick();
    });
  }

  private endRefusalRound(): void {
    this.refusalTimer?.cancel();
    this.refusalTimer = undefined;
    this.refused.clear();
  }

  private scheduleRateDrain(): void {
    if (this.rateTimer) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) / this.o.config.drainRatePerS) * 1000));
    this.rateTimer = this.clock.after(waitMs, () => {
      this.rateTimer = undefined;
      this.kick();
    });
  }

  /** Validates, runs and answers one command; a hostile or broken request gets an error response, nothing else. */
  private command(client: MqttClientLike, topic: string, payload: Buffer): void {
    const name = this.topics.commandName(topic);
    if (name === undefined || !this.o.onCommand) return;
    const response = { ...answerCommand(name, payload, this.o.onCommand), ...this.stamp() };
    this.o.logger.info(
      { command: name.slice(0, 64), requestId: response.requestId, ok: response.ok, error: response.error?.code },
      `command ${name.slice(0, 64)} ${response.ok ? 'answered' : 'refused'}`,
    );
    try {
      client.publish(this.topics.response(name), JSON.stringify(response), this.publishOptions(MESSAGES.commandResponse));
    } catch (e) {
      this.o.logger.warn({ err: errorMessage(e) }, 'command response not sent');
    }
  }

  publishStatus(): void {
    const c = this.client;
    if (!c || this._state !== 'online') return;
    c.publish(this.topics.status, JSON.stringify(this.o.status()), this.publishOptions(MESSAGES.status));
  }

  /**
   * Publishes each elevator's retained info that differs from what this connection last sent
   * (all of it right after connecting). The gateway calls it with the status refresh, so a change
   * goes out within one status period.
   */
  publishInfo(): void {
    const c = this.client;
    if (!c || this._state !== 'online' || !this.o.info) return;
    for (const { elevatorId, payload } of this.o.info()) {
      const { at: _at, monoMs: _mono, clockSynced: _synced, ...content } = payload;
      const key = JSON.stringify(content);
      if (this.infoSent.get(elevatorId) === key) continue;
      this.infoSent.set(elevatorId, key);
      c.publish(this.topics.info(elevatorId), JSON.stringify(payload), this.publishOptions(MESSAGES.info));
    }
  }

  /** QoS and retain from the contract table, MQTT 5 properties when the connection has them. */
  private publishOptions(spec: { qos: 0 | 1; retain: boolean }, expiryS?: number) {
    const properties = publishProperties(this.protocol, expiryS);
    return { qos: spec.qos, retain: spec.retain, ...(properties ? { properties } : {}) };
  }

  /** Version and timeline fields of a message built here (command responses, the offline status). */
  private stamp() {
    return versionStamp({ monoMs: this.o.monoMs?.() ?? this.clock.now(), bootId: this.bootId });
  }

  /** Resolves true once nothing is in flight, false when `ms` of the clock pass or the link goes first. */
  private inflightSettled(ms: number): Promise<boolean> {
    if (this.inflight.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = this.clock.after(ms, () => resolve(false));
      this.onInflightEmpty = (settled) => {
        timer.cancel();
        resolve(settled);
      };
    });
  }

  /**
   * Publishes the retained offline status, waits up to `flushTimeoutMs` for in-flight acks, and
   * disconnects. Bounded whatever the broker does: when acknowledgements did not all come back
   * (a frozen broker holds them), the connection is dropped instead of closed politely — mqtt.js
   * would wait for them for ever — and those rows simply stay pending in the outbox for the
   * next start; the broker then sends the last will, which says offline as well.
   */
  async stop(flushTimeoutMs = 3000): Promise<void> {
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.rateTimer?.cancel();
    this.refusalTimer?.cancel();
    const c = this.client;
    let settled = true;
    if (c && this._state === 'online') {
      settled = await this.inflightSettled(flushTimeoutMs);
      const offline: StatusPayload = { ...this.stamp(), gatewayId: this.o.gatewayId, state: 'offline' };
      settled &&= await new Promise<boolean>((resolve) => {
        const timer = this.clock.after(flushTimeoutMs, () => resolve(false));
        c.publish(this.topics.status, JSON.stringify(offline), this.publishOptions(MESSAGES.status), () => {
          timer.cancel();
          resolve(true);
        });
      });
    }
    this.generation++;
    this.inflight.clear();
    this._state = 'stopped';
    if (c) await new Promise<void>((resolve) => c.end(!settled, {}, () => resolve()));
    this.client = undefined;
  }
}

/**
 * A publish the broker answered with a failure reason code (MQTT 5 PUBACK ≥ 0x80; mqtt.js puts it
 * in the error's `code`), as opposed to one lost with its connection.
 */
function refusedByBroker(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && code >= 0x80;
}

/** Never log credentials embedded in a URL. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//[redacted]@');
}
