import type { IClientOptions } from 'mqtt';
import type { PublishProperties } from './client.js';

/**
 * MQTT 5 as the uplink speaks it, with 3.1.1 as the fallback for a broker that refuses 5.
 *
 * - CONNECT announces a maximum packet size: mqtt.js then drops a connection whose broker sends
 *   a larger packet, so a hostile or broken publish on the command topic cannot make a Pi-class
 *   gateway buffer megabytes (commands are refused above 4 KiB anyway). Session expiry 0 with
 *   clean start is 3.1.1's clean session: the outbox, not the broker, holds what is unsent.
 * - Every publish says `application/json` (content type, UTF-8 payload format); telemetry expires
 *   after 2 × uplink.telemetryIntervalS, so a broker never hands a queued subscriber a running
 *   state older than that.
 */
export type ProtocolVersion = 4 | 5;

export const MAX_INCOMING_PACKET_BYTES = 64 * 1024;

const JSON_PROPERTIES: PublishProperties = { contentType: 'application/json', payloadFormatIndicator: true };

/** CONNECT options of one protocol version. */
export function connectOptions(version: ProtocolVersion): Pick<IClientOptions, 'protocolVersion' | 'properties'> {
  return version === 5 ? { protocolVersion: 5, properties: { maximumPacketSize: MAX_INCOMING_PACKET_BYTES, sessionExpiryInterval: 0 } } : { protocolVersion: 4 };
}

/** Publish properties on this connection; none on 3.1.1, which has no properties. */
export function publishProperties(version: ProtocolVersion, expiryS?: number): PublishProperties | undefined {
  if (version !== 5) return undefined;
  return expiryS === undefined ? { ...JSON_PROPERTIES } : { ...JSON_PROPERTIES, messageExpiryInterval: expiryS };
}

/** Telemetry's message expiry, s: twice its period (undefined when telemetry is off). */
export function telemetryExpiryS(telemetryIntervalS: number): number | undefined {
  return telemetryIntervalS > 0 ? Math.max(1, Math.ceil(2 * telemetryIntervalS)) : undefined;
}

/**
 * The broker refused the protocol version: CONNACK 0x84 (5's "unsupported protocol version") or
 * 3.1.1's return code 1 ("unacceptable protocol version"), which a 3.1.1-only broker answers a
 * v5 CONNECT with.
 */
export function refusedProtocolVersion(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 0x84 || code === 1;
}
