import type { Writable } from 'node:stream';
import { createConnection, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, MqttClient } from 'mqtt';

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
  const options: IClientOptions = { writeCache: false, ...opts };
  const client = ownSocket(url, options) ?? mqtt.connect(url, options);
  client.on('connect', () => noDelay(client.stream));
  // Uncorked fully: mqtt-packet's pending uncorks find the socket uncorked and do nothing.
  const sendNow = () => {
    const s = client.stream as Writable | undefined;
    while (s && s.writableCorked > 0) s.uncork();
  };
  return Object.assign(client, { sendNow }) as unknown as MqttClientLike;
};

/**
 * An mqtt.js client on a TCP or TLS socket opened here, for the plain URLs a site has
 * (mqtt://, mqtts://, tcp://, ssl:// with host and port). mqtt.js's own `connect` loads its
 * WebSocket and SOCKS transports, and Node's http, https and zlib with them, at the first
 * connection whatever the URL: 1.4 MiB of a 70 MB budget that `elevgw run` would keep for
 * years (docs/release.md, "Memory of `elevgw run`"). Anything else — ws:// and wss://, a
 * user or query in the URL, a SOCKS proxy — is left to `mqtt.connect` (undefined here), with
 * all of its semantics. What is done here is what mqtt.js does for these URLs: default ports
 * 1883 and 8883, the host as TLS server name unless it is an address, certificates verified
 * unless told otherwise; but TLS only for mqtts:// and ssl:// (uplinkUsesTls: clientOptions
 * gives no TLS files for a plain URL, which mqtt.js would take as a switch to TLS).
 */
function ownSocket(url: string, opts: IClientOptions): MqttClient | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = u.protocol.slice(0, -1);
  if (!['mqtt', 'tcp', 'mqtts', 'ssl'].includes(scheme) || u.username || u.password || u.search) return undefined;
  if (opts.socksProxy !== undefined || process.env.MQTTJS_SOCKS_PROXY) return undefined;
  const secure = scheme === 'mqtts' || scheme === 'ssl';
  // WHATWG URLs keep an IPv6 address in brackets; sockets want it without.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = u.port ? Number(u.port) : secure ? 8883 : 1883;
  const options: IClientOptions = { ...opts, host, hostname: host, port, protocol: secure ? 'mqtts' : 'mqtt' };
  // The builder is called from the constructor on, with the client (and again at each reconnect).
  const client = new MqttClient((c) => (secure ? tlsSocket(c, options) : tcpSocket(host, port)), options);
  // As mqtt.connect does: an error no one listens to must not throw; the uplink listens anyway.
  client.on('error', () => {});
  return client;
}

function tcpSocket(host: string, port: number): Socket {
  return createConnection({ host, port });
}

/**
 * A TLS socket that closes instead of carrying MQTT when the handshake fails. mqtt.js reports
 * every error of its stream that has a code (Node's socket and TLS errors all do: a certificate
 * refused, a name that does not match); one without a code it would drop, so that one is reported
 * here, unless verification is turned off. mqtt.js's own TLS builder reported the coded ones a
 * second time, and the uplink logged each refused certificate twice.
 */
function tlsSocket(client: MqttClient, opts: IClientOptions): TLSSocket {
  const host = opts.host as string;
  const verify = opts.rejectUnauthorized !== false;
  const servername = opts.servername ?? (isIP(host) === 0 ? host : undefined);
  const socket = tlsConnect({ ...(opts as ConnectionOptions), host, port: opts.port, rejectUnauthorized: verify, ...(servername ? { servername } : {}) });
  const onError = (err: Error & { code?: unknown }) => {
    if (verify && err.code === undefined) client.emit('error', err);
    socket.end();
  };
  socket.on('error', onError);
  // Verified or not, the handshake is over: from here on mqtt.js alone reports the stream's errors.
  socket.on('secureConnect', () => socket.removeListener('error', onError));
  return socket;
}

function noDelay(stream: unknown): void {
  const socket = stream as { setNoDelay?: (on: boolean) => unknown } | undefined;
  if (typeof socket?.setNoDelay === 'function') socket.setNoDelay(true);
}
