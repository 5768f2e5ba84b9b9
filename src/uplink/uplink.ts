import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import type { UplinkConfig } from '../config/site.js';
import { secretValue } from '../config/credentials.js';
import { systemClock, type Clock, type Timer } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { errorMessage, isElevgwError } from '../core/errors.js';
import { PRIORITY, type Outbox, type StoredRecord } from '../outbox/types.js';
import type { StatusPayload } from '../contract/payloads.js';
import { MESSAGES, STORED_KINDS } from '../contract/records.js';
import { topics, type TopicScheme } from '../contract/topics.js';
import { CONTRACT_VERSION } from '../contract/version.js';
import { parseCommand, type CommandName, type CommandRequest, type CommandResponse } from '../contract/commands.js';
import { mqttConnect, type MqttClientLike, type MqttConnect } from './client.js';

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
  private stopped = false;
  private _state: UplinkState = 'offline';
  private published = 0;
  private tokens = 0;
  private tokensAt: number;
  private rateTimer?: Timer;
  /** Set while stop() waits for in-flight acknowledgements. */
  private onInflightEmpty?: () => void;
  private readonly clock: Clock;

  constructor(private readonly o: UplinkOptions) {
    this.topics = topics(o.config.topicPrefix, o.gatewayId);
    this.clock = o.clock ?? systemClock;
    this.tokensAt = this.clock.now();
  }

  get state(): UplinkState {
    return this._state;
  }

  stats(): { state: UplinkState; inflight: number; published: number } {
    return { state: this._state, inflight: this.inflight.size, published: this.published };
  }

  start(): void {
    this.stopped = false;
    this.connect();
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
    const c = this.o.config;
    const offline: StatusPayload = { v: CONTRACT_VERSION, gatewayId: this.o.gatewayId, state: 'offline' };
    const opts: IClientOptions = {
      clientId: c.clientId ?? `elevgw-${this.o.gatewayId}`,
      clean: true,
      keepalive: c.keepaliveS,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: this.topics.status, payload: Buffer.from(JSON.stringify(offline)), qos: MESSAGES.status.qos, retain: MESSAGES.status.retain },
    };
    if (c.username !== undefined) opts.username = c.username;
    // Secrets are read at each connection (from systemd's credential copy or the credentials
    // file), so a rotated password needs no restart and is never held in the config object.
    if (c.password !== undefined) opts.password = secretValue(c.password, c.credentialsFile);
    if (c.tls) {
      if (c.tls.ca) opts.ca = readFileSync(c.tls.ca);
      if (c.tls.cert) opts.cert = readFileSync(c.tls.cert);
      if (c.tls.key) {
        const key = readFileSync(c.tls.key);
        // An encrypted key is opened here, in memory, so mqtt.js only ever sees a plain one.
        opts.key = c.tls.passphrase ? createPrivateKey({ key, passphrase: secretValue(c.tls.passphrase, c.credentialsFile) }).export({ type: 'pkcs8', format: 'pem' }) : key;
      }
      opts.rejectUnauthorized = c.tls.rejectUnauthorized;
    }
    return opts;
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
      this.scheduleReconnect();
      return;
    }
    this.client = client;
    client.on('connect', () => {
      if (gen !== this.generation) return;
      this.attempts = 0;
      this._state = 'online';
      this.o.logger.info({ url: redactUrl(this.o.config.url) }, 'uplink online');
      this.publishStatus();
      if (this.o.onCommand) client.subscribe(this.topics.commands, { qos: 1 });
      this.kick();
    });
    client.on('message', (topic, payload) => {
      if (gen === this.generation) this.command(client, topic, payload);
    });
    client.on('error', (e) => {
      if (gen === this.generation) this.o.logger.warn({ err: errorMessage(e) }, 'mqtt error');
    });
    client.on('close', () => {
      if (gen !== this.generation) return;
      this.dropConnection();
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private dropConnection(): void {
    const c = this.client;
    this.client = undefined;
    this.generation++;
    if (this._state === 'online') this.o.logger.warn({ inflight: this.inflight.size }, 'uplink offline; pending events stay in the outbox');
    this._state = this.stopped ? 'stopped' : 'offline';
    this.inflight.clear();
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
  topicFor(r: StoredRecord): string {
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
    const gen = this.generation;
    const free = this.o.config.inflightWindow - this.inflight.size;
    if (free <= 0) return;
    this.refill();
    for (const r of this.o.outbox.next(free, this.inflight)) {
      // Critical events overtake the backlog and are never rate-limited; the rest wait for a token.
      if (r.priority !== PRIORITY.critical) {
        if (this.tokens < 1) {
          this.scheduleRateDrain();
          break;
        }
        this.tokens -= 1;
      }
      this.inflight.add(r.seq);
      const spec = r.kind === 'status' ? MESSAGES.status : STORED_KINDS[r.kind];
      client.publish(this.topicFor(r), r.payload, { qos: spec.qos, retain: spec.retain }, (err) => {
        if (gen !== this.generation) return; // a dropped connection: the row is still pending
        this.inflight.delete(r.seq);
        if (this.inflight.size === 0) this.onInflightEmpty?.();
        if (err) {
          this.o.logger.warn({ id: r.id, err: errorMessage(err) }, 'publish failed; will resend');
          return;
        }
        this.o.outbox.ack([r.id]);
        this.published++;
        this.kick();
      });
    }
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
    const parsed = parseCommand(name, payload);
    let response: CommandResponse;
    if (!parsed.ok) response = parsed.response;
    else {
      try {
        response = { v: CONTRACT_VERSION, command: name, requestId: parsed.request.requestId, ok: true, result: this.o.onCommand(parsed.name, parsed.request) };
      } catch (e) {
        // The executor says when the request itself was wrong (an unknown elevator); anything else is a failure to serve it.
        const code = isElevgwError(e, 'COMMAND_INVALID') ? 'COMMAND_INVALID' : 'COMMAND_FAILED';
        response = { v: CONTRACT_VERSION, command: name, requestId: parsed.request.requestId, ok: false, error: { code, message: errorMessage(e) } };
      }
    }
    this.o.logger.info(
      { command: name.slice(0, 64), requestId: response.requestId, ok: response.ok, error: response.error?.code },
      `command ${name.slice(0, 64)} ${response.ok ? 'answered' : 'refused'}`,
    );
    try {
      client.publish(this.topics.response(name), JSON.stringify(response), { qos: MESSAGES.commandResponse.qos });
    } catch (e) {
      this.o.logger.warn({ err: errorMessage(e) }, 'command response not sent');
    }
  }

  publishStatus(): void {
    const c = this.client;
    if (!c || this._state !== 'online') return;
    c.publish(this.topics.status, JSON.stringify(this.o.status()), { qos: MESSAGES.status.qos, retain: MESSAGES.status.retain });
  }

  /** Resolves true once nothing is in flight, false when `ms` of the clock pass first. */
  private inflightSettled(ms: number): Promise<boolean> {
    if (this.inflight.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = this.clock.after(ms, () => resolve(false));
      this.onInflightEmpty = () => {
        timer.cancel();
        resolve(true);
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
    const c = this.client;
    let settled = true;
    if (c && this._state === 'online') {
      settled = await this.inflightSettled(flushTimeoutMs);
      const offline: StatusPayload = { v: CONTRACT_VERSION, gatewayId: this.o.gatewayId, state: 'offline' };
      settled &&= await new Promise<boolean>((resolve) => {
        const timer = this.clock.after(flushTimeoutMs, () => resolve(false));
        c.publish(this.topics.status, JSON.stringify(offline), { qos: MESSAGES.status.qos, retain: MESSAGES.status.retain }, () => {
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

/** Never log credentials embedded in a URL. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//[redacted]@');
}
