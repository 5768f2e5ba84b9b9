import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/log.js';
import { errorMessage } from '../../core/errors.js';
import type { BrokerOutage } from './outage.js';
import type { Route } from './routes.js';
import type { Arrival } from './validate.js';

export interface BrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts://). */
  caFile?: string;
}

export interface SessionsOptions {
  broker: BrokerOptions;
  /** Shared-subscription group: identical workers in one group split the stream. */
  group: string;
  /** Stable per worker: a restarted worker takes back its sessions and what the broker kept for them. */
  workerId: string;
  /** MQTT sessions this worker holds (each a member of the group, one message in its database commit at a time). */
  sessions: number;
  /** How long the broker keeps a dead worker's sessions and their unacknowledged messages. */
  sessionExpiryS: number;
  routes: readonly Route[];
  clock: Clock;
  log: Logger;
  /** Logs a broker outage once when it begins and once when it ends, not per session and attempt. */
  outage: BrokerOutage;
}

/**
 * The worker's MQTT 5 sessions. Each subscribes `$share/{group}/…` to every non-retained topic of
 * the contract, so the broker hands each message to one member of the group; the first also
 * subscribes the retained topics (status, info) itself, because a shared subscription never
 * delivers retained messages. Sessions are persistent (clean start off, a session expiry), so what
 * the broker sent and did not get a PUBACK for is sent again when the worker comes back.
 *
 * PUBACK after commit: mqtt.js calls `customHandleAcks` for every QoS 1 PUBLISH and sends the PUBACK
 * only when its callback runs, which here is after the message's database commit. mqtt.js handles a
 * connection's incoming packets one at a time and waits for that callback, so one session has one
 * message in a commit at a time; `sessions` connections give the group commit its batch.
 */
export class IngestSessions {
  private readonly clients: MqttClient[] = [];
  /** Set by close(): the connections we end ourselves are not an outage. */
  private closing = false;

  constructor(private readonly o: SessionsOptions) {}

  async start(handle: (a: Arrival) => Promise<void>): Promise<void> {
    await Promise.all(Array.from({ length: this.o.sessions }, (_, k) => this.open(k, handle)));
  }

  /** Connected sessions (for /api/metrics and the tests). */
  get connected(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }

  private async open(k: number, handle: (a: Arrival) => Promise<void>): Promise<void> {
    const b = this.o.broker;
    let subscribedAt = this.o.clock.wallNow();
    const arrival = (topic: string, payload: Buffer, retain: boolean): Arrival => ({
      topic,
      payload,
      receivedMs: this.o.clock.wallNow(),
      ...(retain ? { retainedSince: subscribedAt } : {}),
    });
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: `${this.o.group}-${this.o.workerId}-${k}`,
      clean: false,
      properties: { sessionExpiryInterval: this.o.sessionExpiryS },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      // We subscribe on every connect ourselves (a fresh session has none; the retained copies are wanted each time).
      resubscribe: false,
      ...(b.username === undefined ? {} : { username: b.username }),
      ...(b.password === undefined ? {} : { password: b.password }),
      ...(b.caFile === undefined ? {} : { ca: readFileSync(b.caFile) }),
      customHandleAcks: (topic, message, packet, done) => {
        handle(arrival(topic, message, packet.retain)).then(
          () => done(0),
          (e: unknown) => done(e instanceof Error ? e : new Error(errorMessage(e))),
        );
      },
    };
    const client = mqtt.connect(b.url, options);
    this.clients.push(client);
    client.on('message', (topic, message, packet) => {
      // QoS 1 messages were handled in customHandleAcks; a QoS 0 one (telemetry) has no PUBACK to hold.
      if (packet.qos === 0) void handle(arrival(topic, message, packet.retain)).catch(() => undefined);
    });
    this.watch(client, k);
    const subscribe = async () => {
      subscribedAt = this.o.clock.wallNow();
      const shared = this.o.routes.filter((r) => !r.retained).map((r) => `$share/${this.o.group}/${r.filter}`);
      const own = k === 0 ? this.o.routes.filter((r) => r.retained).map((r) => r.filter) : [];
      const granted = await client.subscribeAsync([...shared, ...own], { qos: 1 });
      const refused = granted.filter((g) => g.qos > 2);
      if (refused.length > 0) this.o.log.error({ refused: refused.map((g) => g.topic) }, 'the broker refused subscriptions (MQTT 5 shared subscriptions needed)');
    };
    // Resolves at the first SUBACK: from then on nothing published passes this worker by. A broker
    // that is not up yet is waited for (mqtt.js reconnects), as systemd may start us first.
    await new Promise<void>((resolve) => {
      client.on('connect', () => {
        this.o.outage.connected(k);
        subscribe().then(resolve, (e: unknown) => this.o.log.warn({ err: errorMessage(e), session: k }, 'subscribe failed'));
      });
    });
  }

  /** Feeds a session's errors and closes to the outage log; a close carries the broker's DISCONNECT reason if it sent one. */
  private watch(client: MqttClient, k: number): void {
    let disconnectReason: string | undefined;
    client.on('disconnect', (packet) => {
      disconnectReason = `broker sent DISCONNECT (reason code ${packet.reasonCode ?? 0})`;
    });
    client.on('error', (e) => this.o.outage.error(k, e));
    client.on('close', () => {
      const reason = disconnectReason;
      disconnectReason = undefined;
      if (!this.closing) this.o.outage.closed(k, reason);
    });
  }
}
