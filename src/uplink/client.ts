import type { Writable } from 'node:stream';
import mqtt, { type IClientOptions } from 'mqtt';

/**
 * The byte boundary of the uplink: the little it needs of an MQTT client. mqtt.js's MqttClient is
 * the production implementation; an in-memory broker on the injected clock (test/helpers/
 * fake-broker.ts) is another, so a whole gateway runs in sample time with outages at will.
 */
export interface MqttClientLike {
  on(event: 'connect', listener: () => void): this;
  on(event: 'message', listener: (topic: string, payload: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: () => void): this;
  publish(topic: string, payload: string | Buffer, opts: PublishOptions, callback?: (err?: Error) => void): this;
  subscribe(topic: string, opts: { qos: 0 | 1 }): this;
  /** `force`: drop the connection without a DISCONNECT (the last will is sent). */
  end(force?: boolean, opts?: object, callback?: () => void): this;
  removeAllListeners(): this;
  /**
   * Writes what `publish` has queued to the socket now. mqtt-packet corks the socket and uncorks
   * it on the next tick, so without this a packet waits for whatever else the current tick does.
   */
  sendNow?(): void;
}

/** MQTT 5 publish properties the uplink sets (left out on a 3.1.1 connection). */
export interface PublishProperties {
  contentType?: string;
  payloadFormatIndicator?: boolean;
  /** Seconds the broker keeps the message for a subscriber that has not received it. */
  messageExpiryInterval?: number;
}

export interface PublishOptions {
  qos: 0 | 1;
  retain?: boolean;
  properties?: PublishProperties;
}

export type MqttConnect = (url: string, opts: IClientOptions) => MqttClientLike;

/**
 * mqtt.js, connecting for real, with Nagle's algorithm off on every connection it makes. mqtt.js
 * leaves it on: a QoS 1 event published within ~40 ms of a telemetry message then waits for the
 * broker's delayed ACK before it leaves (measured: 35–40 ms late, against 0.5 ms with it off).
 * An MQTT packet is written whole, so sending at once costs no extra segments.
 */
export const mqttConnect: MqttConnect = (url, opts) => {
  // writeCache off: mqtt-packet would otherwise build a table of 65,536 two-byte Buffers (≈ 6 MiB
  // of heap) to save encoding a packet id — not worth it at a
  // gateway's few messages a second.
  const client = mqtt.connect(url, { writeCache: false, ...opts });
  client.on('connect', () => noDelay(client.stream));
  // Uncorked fully: mqtt-packet's pending uncorks find the socket uncorked and do nothing.
  const sendNow = () => {
    const s = client.stream as Writable | undefined;
    while (s && s.writableCorked > 0) s.uncork();
  };
  return Object.assign(client, { sendNow }) as unknown as MqttClientLike;
};

function noDelay(stream: unknown): void {
  const socket = stream as { setNoDelay?: (on: boolean) => unknown } | undefined;
  if (typeof socket?.setNoDelay === 'function') socket.setNoDelay(true);
}
