import { EventEmitter } from 'node:events';
import type { IClientOptions } from 'mqtt';
import type { Timers } from '../../src/core/clock.js';
import type { MqttClientLike, MqttConnect, PublishOptions, PublishProperties } from '../../src/uplink/client.js';

export interface BrokeredMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
  /** Broker time (the injected clock) it was accepted. */
  at: number;
  /** The MQTT protocol version of the connection it came on (5, or 4 for 3.1.1); absent for the broker's own. */
  protocolVersion?: number;
  /** MQTT 5 publish properties, as sent. */
  properties?: PublishProperties;
}

export interface FakeBrokerOptions {
  /**
   * A broker without MQTT 5: a v5 CONNECT is refused as aedes refuses it (`true`: 3.1.1's CONNACK
   * return code 1, then close), or as an MQTT 5 broker that will not speak 5 does (CONNACK reason
   * code 0x84, unsupported protocol version).
   */
  refuseMqtt5?: boolean | 'reason code 0x84';
  /** A broker of MQTT 3.1 only (mosquitto before 1.3): 5 and 3.1.1 alike are refused with return code 1. */
  mqtt31Only?: boolean;
  /** Checked on every message accepted (e.g. the contract, test/helpers/contract-check.ts); problems are kept in `invalid`. */
  validate?: (m: BrokeredMessage) => string[];
}

/** `+` and `#` as MQTT topic filters. */
function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/**
 * An MQTT broker in memory, on the injected clock: connects, PUBACKs and deliveries take
 * `latencyMs` of that clock, so a FakeClock decides when each happens. `down()` is an outage
 * (every connection closed, connects refused) until `up()`. Test subscribers see what it
 * accepted, in order; retained messages and last wills behave as on a real broker.
 */
export class FakeBroker {
  readonly accepted: BrokeredMessage[] = [];
  readonly retained = new Map<string, string>();
  private readonly clients = new Set<FakeClient>();
  private readonly subscribers: { filter: string; deliver: (m: BrokeredMessage) => void }[] = [];
  private isUp = true;
  /** Clock time of every connection attempt that reached the broker (refused ones too). */
  readonly connectsAt: number[] = [];
  /** The protocol version of every connection attempt, in order. */
  readonly protocolVersions: number[] = [];
  /** What `validate` found wrong, message by message. */
  readonly invalid: string[] = [];

  constructor(
    readonly clock: Timers,
    readonly latencyMs = 5,
    readonly options: FakeBrokerOptions = {},
  ) {}

  /** The factory the uplink is given instead of mqtt.js's connect. */
  readonly connect: MqttConnect = (_url: string, opts: IClientOptions) => new FakeClient(this, opts);

  get online(): boolean {
    return this.isUp;
  }

  down(): void {
    this.isUp = false;
    for (const c of [...this.clients]) c.drop();
  }

  up(): void {
    this.isUp = true;
  }

  /**
   * Publishes on topics matching `filter` are refused from now on, as an ACL refuses them on MQTT
   * 5 (PUBACK reason code 0x87, which mqtt.js reports as an error with that code); undefined
   * accepts everything again. Counted in `refusals`. `reason`: another reason code, or none
   * (`code: undefined`: a publish that failed without one).
   */
  refuse(filter: string | undefined, reason: { code: number | undefined; message: string } = { code: 0x87, message: 'Publish error: Not authorized' }): void {
    this.refusing = filter;
    this.refusal = reason;
  }

  /** @internal The error a refused publish gets. */
  refusal: { code: number | undefined; message: string } = { code: 0x87, message: 'Publish error: Not authorized' };

  /** Stops acknowledging: publishes are accepted but no PUBACK comes back (a frozen broker). */
  freeze(): void {
    this.frozen = true;
  }

  /** @internal */
  frozen = false;

  /** Connections open now. */
  get connections(): number {
    return this.clients.size;
  }

  /** Every SUBSCRIBE the clients sent: topic filter and QoS, in order. */
  readonly subscriptions: { filter: string; qos: number }[] = [];

  /** Publishes refused by `refuse`, by topic, in order. */
  readonly refusals: string[] = [];
  private refusing?: string;

  /** @internal Whether a publish on `topic` is refused (and counted). */
  refuses(topic: string): boolean {
    if (this.refusing === undefined || !topicMatches(this.refusing, topic)) return false;
    this.refusals.push(topic);
    return true;
  }

  /** A platform-side subscriber (receives everything accepted from now on that matches). */
  subscribe(filter: string, deliver: (m: BrokeredMessage) => void): void {
    this.subscribers.push({ filter, deliver });
  }

  /** Messages accepted on topics matching `filter`, in order. */
  on(filter: string): BrokeredMessage[] {
    return this.accepted.filter((m) => topicMatches(filter, m.topic));
  }

  /** @internal Whether the connection is accepted: refused while down, and v5 by a 3.1.1-only broker. */
  attach(c: FakeClient, protocolVersion: number): 'accepted' | 'down' | 'unacceptable protocol version' {
    this.connectsAt.push(this.clock.now());
    this.protocolVersions.push(protocolVersion);
    if (!this.isUp) return 'down';
    if ((protocolVersion === 5 && this.options.refuseMqtt5) || this.options.mqtt31Only) return 'unacceptable protocol version';
    this.clients.add(c);
    return 'accepted';
  }

  /** @internal */
  detach(c: FakeClient, sendWill: boolean, will: IClientOptions['will']): void {
    if (!this.clients.delete(c)) return;
    if (sendWill && will) {
      const properties = will.properties as PublishProperties | undefined;
      this.accept({
        topic: will.topic,
        payload: String(will.payload),
        qos: will.qos === 1 ? 1 : 0,
        retain: will.retain === true,
        at: this.clock.now(),
        ...(properties ? { properties } : {}),
      });
    }
  }

  /** @internal */
  accept(m: BrokeredMessage): void {
    this.accepted.push(m);
    if (this.options.validate) this.invalid.push(...this.options.validate(m));
    if (m.retain) this.retained.set(m.topic, m.payload);
    for (const s of this.subscribers) if (topicMatches(s.filter, m.topic)) s.deliver(m);
    for (const c of this.clients) c.deliver(m);
  }

  /** A command from the platform to subscribed clients. */
  send(topic: string, payload: string): void {
    this.accept({ topic, payload, qos: 1, retain: false, at: this.clock.now() });
  }
}

class FakeClient extends EventEmitter implements MqttClientLike {
  private connected = false;
  private closed = false;
  private readonly filters: string[] = [];

  constructor(
    private readonly broker: FakeBroker,
    private readonly opts: IClientOptions,
  ) {
    super();
    broker.clock.after(broker.latencyMs, () => {
      if (this.closed) return;
      const answer = broker.attach(this, this.protocolVersion);
      if (answer !== 'accepted') {
        // mqtt.js reports a CONNACK refusal as an error carrying the return code, then closes.
        const refused =
          answer === 'down'
            ? new Error('connect ECONNREFUSED (fake broker down)')
            : broker.options.refuseMqtt5 === 'reason code 0x84'
              ? Object.assign(new Error('Connection refused: Unsupported Protocol Version'), { code: 0x84 })
              : Object.assign(new Error('Connection refused: Unacceptable protocol version'), { code: 1 });
        this.emit('error', refused);
        this.finish();
        return;
      }
      this.connected = true;
      this.emit('connect');
    });
  }

  /** As mqtt.js: 4 (3.1.1) unless the options ask for 5. */
  get protocolVersion(): number {
    return this.opts.protocolVersion ?? 4;
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions, callback?: (err?: Error) => void): this {
    if (!this.connected) {
      this.broker.clock.after(0, () => callback?.(new Error('client disconnecting')));
      return this;
    }
    const text = String(payload);
    this.broker.clock.after(this.broker.latencyMs, () => {
      if (!this.connected) return; // lost on the way: never acknowledged
      if (opts.qos === 1 && this.broker.refuses(topic)) {
        this.broker.clock.after(this.broker.latencyMs, () => {
          const { code, message } = this.broker.refusal;
          if (this.connected) callback?.(code === undefined ? new Error(message) : Object.assign(new Error(message), { code }));
        });
        return;
      }
      // A 3.1.1 connection has no properties: mqtt.js would not send them.
      const properties = this.protocolVersion === 5 ? opts.properties : undefined;
      this.broker.accept({
        topic,
        payload: text,
        qos: opts.qos,
        retain: opts.retain === true,
        at: this.broker.clock.now(),
        protocolVersion: this.protocolVersion,
        ...(properties ? { properties } : {}),
      });
      if (opts.qos === 0) return callback?.();
      if (this.broker.frozen) return;
      this.broker.clock.after(this.broker.latencyMs, () => {
        if (this.connected) callback?.(); // the PUBACK
      });
    });
    return this;
  }

  subscribe(topic: string, opts: { qos: 0 | 1 }): this {
    this.filters.push(topic);
    this.broker.subscriptions.push({ filter: topic, qos: opts.qos });
    return this;
  }

  end(force?: boolean, _opts?: object, callback?: () => void): this {
    const wasConnected = this.connected;
    this.connected = false;
    this.broker.detach(this, force === true && wasConnected, this.opts.will);
    this.finish();
    if (callback) this.broker.clock.after(0, callback);
    return this;
  }

  /** @internal The broker goes away (an outage): the connection closes; a dead broker sends no will. */
  drop(): void {
    this.connected = false;
    this.broker.detach(this, false, this.opts.will);
    this.finish();
  }

  /** @internal */
  deliver(m: BrokeredMessage): void {
    if (this.connected && this.filters.some((f) => topicMatches(f, m.topic))) {
      this.broker.clock.after(this.broker.latencyMs, () => this.emit('message', m.topic, Buffer.from(m.payload)));
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.broker.clock.after(0, () => this.emit('close'));
  }
}
