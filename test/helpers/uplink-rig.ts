import { EventEmitter } from 'node:events';
import type { IClientOptions } from 'mqtt';
import { uplinkSchema } from '../../src/config/site.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { SqliteOutbox } from '../../src/outbox/sqlite.js';
import { type NewRecord, PRIORITY, type RecordKind } from '../../src/outbox/types.js';
import type { MqttClientLike, MqttConnect, PublishOptions } from '../../src/uplink/client.js';
import { Uplink, type UplinkOptions, type UplinkState } from '../../src/uplink/uplink.js';
import { FakeBroker, type FakeBrokerOptions } from './fake-broker.js';

/**
 * An Uplink for unit tests, in sample time: a FakeClock, the real SQLite outbox (in memory), its
 * log captured line by line, and as its broker either the in-memory FakeBroker or ManualClients
 * the test drives packet by packet (CONNACK, PUBACK, close, late events). Every publish the uplink
 * hands a client is recorded in `sent` with the connection it went on and the uplink's state then.
 */

interface Sent {
  /** 1 for the first connection the uplink opened, 2 for the next, … */
  conn: number;
  topic: string;
  payload: string;
  opts: PublishOptions;
  state: UplinkState;
}

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** An MQTT client that does only what the test tells it to. */
class ManualClient extends EventEmitter implements MqttClientLike {
  readonly publishes: { topic: string; payload: string; opts: PublishOptions; cb?: (err?: Error) => void }[] = [];
  readonly subscriptions: string[] = [];
  /** The `force` argument of each end(). */
  readonly ends: (boolean | undefined)[] = [];
  /** Throws from publish on a topic that matches. */
  failPublish?: RegExp;

  constructor(readonly opts: IClientOptions) {
    super();
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions, cb?: (err?: Error) => void): this {
    if (this.failPublish?.test(topic)) throw new Error('client is closing');
    this.publishes.push({ topic, payload: String(payload), opts, ...(cb ? { cb } : {}) });
    return this;
  }

  subscribe(topic: string): this {
    this.subscriptions.push(topic);
    return this;
  }

  end(force?: boolean, _opts?: object, cb?: () => void): this {
    this.ends.push(force);
    if (cb) queueMicrotask(cb);
    return this;
  }

  /** Answers the publish on `topic` waiting longest (a PUBACK, or the error mqtt.js reports). */
  answer(topic: RegExp, err?: Error): void {
    const i = this.publishes.findIndex((p) => p.cb && topic.test(p.topic));
    if (i < 0) throw new Error(`no publish waiting on ${topic}`);
    const { cb } = this.publishes[i]!;
    this.publishes[i]!.cb = undefined;
    cb?.(err);
  }
}

/** A stored record of elevator E1 (gateway-level for a status); its payload carries `n`, its id too. */
export function rec(n: number, priority: NewRecord['priority'] = PRIORITY.warning, kind: RecordKind = 'event'): NewRecord {
  return { id: `id-${String(n).padStart(6, '0')}`, kind, elevatorId: kind === 'status' ? null : 'E1', priority, createdAt: 1_700_000_000_000 + n, payload: JSON.stringify({ n }) };
}

export function rig(config: Record<string, unknown> = {}, o: { manual?: boolean; broker?: FakeBrokerOptions; extra?: Partial<UplinkOptions>; clock?: FakeClock } = {}) {
  const clock = o.clock ?? new FakeClock(0);
  const broker = new FakeBroker(clock, 2, o.broker);
  const outbox = SqliteOutbox.open(':memory:', { maxBytes: 1 << 30, retentionMs: 86_400_000 });
  const sent: Sent[] = [];
  const clients: ManualClient[] = [];
  const lines: LogLine[] = [];
  let up: Uplink | undefined;
  const connect: MqttConnect = (url, opts) => {
    const conn = clients.length + 1;
    const client: MqttClientLike = o.manual ? new ManualClient(opts) : broker.connect(url, opts);
    clients.push(client as ManualClient);
    const publish = client.publish.bind(client);
    client.publish = (topic, payload, options, cb) => {
      sent.push({ conn, topic, payload: String(payload), opts: options, state: up!.state });
      return publish(topic, payload, options, cb);
    };
    return client;
  };
  up = new Uplink({
    config: uplinkSchema().parse({ url: 'mqtt://broker.test:1883', reconnectMinMs: 1000, reconnectMaxMs: 8000, ...config }),
    gatewayId: 'gw1',
    outbox,
    logger: createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as LogLine) } }),
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
    clock,
    connect,
    random: () => 0,
    ...o.extra,
  });
  const uplink = up;
  /** `n` of the records handed to a client, in order (events and telemetry). */
  const records = (conn?: number) =>
    sent.filter((s) => /\/(events|telemetry)$/.test(s.topic) && (conn === undefined || s.conn === conn)).map((s) => (JSON.parse(s.payload) as { n: number }).n);
  /** Records the uplink hands the client in this call, and returns. */
  const deliver = (...rs: NewRecord[]) => uplink.deliver(rs, () => outbox.append(rs));
  /** Lets setImmediate-scheduled drains run: event-loop turns, not time. */
  const turn = async () => {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  /** `n` of the records the broker accepted on topics matching `filter` (default: every elevator's events). */
  const atBroker = (filter = 'elevgw/v1/gw1/elevators/+/events') => broker.on(filter).map((m) => (JSON.parse(m.payload) as { n: number }).n);
  const logged = (msg: string) => lines.filter((l) => l.msg === msg);
  /** Stops, moving the clock until it returns; resolves to the clock time it took. */
  const stop = async (flushTimeoutMs = 3000) => {
    const from = clock.now();
    let done = false;
    const stopping = uplink.stop(flushTimeoutMs).then(() => {
      done = true;
    });
    for (let i = 0; i < 100 && !done; i++) await clock.advanceAsync(10);
    await stopping;
    return clock.now() - from;
  };
  return { clock, broker, outbox, up: uplink, sent, clients, lines, records, atBroker, deliver, turn, logged, stop };
}
