import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { secretValue } from '../config/credentials.js';
import { clientKey } from '../config/tls-key.js';
import { type UplinkConfig, uplinkUsesTls } from '../config/site.js';
import { connectOptions, publishProperties, type ProtocolVersion } from './protocol.js';

/**
 * The mqtt.js options of one connection: a clean session without automatic reconnect or offline
 * queue (the outbox is the only buffer, see Uplink), the protocol version and its properties, the
 * last will, credentials and, for a TLS URL, TLS material. `elevgw diag broker` connects with
 * these options too, without a will (a check must not announce the gateway offline), so that it
 * tests the very connection the gateway makes.
 */
export function clientOptions(
  c: UplinkConfig,
  o: { clientId: string; protocol: ProtocolVersion; will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean } },
): IClientOptions {
  const properties = publishProperties(o.protocol);
  const opts: IClientOptions = {
    ...connectOptions(o.protocol),
    clientId: c.clientId ?? o.clientId,
    clean: true,
    keepalive: c.keepaliveS,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    queueQoSZero: false,
  };
  if (o.will) opts.will = { ...o.will, payload: Buffer.from(o.will.payload), ...(properties ? { properties } : {}) };
  // mqtt.js logs through the debug package: a call, and a check that it is off, at every step of
  // every packet (~1 % of the gateway's CPU). Without DEBUG set it could never print: no call at all.
  if (!process.env.DEBUG) opts.log = noLog;
  if (c.username !== undefined) opts.username = c.username;
  // Secrets are read at each connection (from systemd's credential copy or the credentials
  // file), so a rotated password needs no restart and is never held in the config object.
  if (c.password !== undefined) opts.password = secretValue(c.password, c.credentialsFile);
  if (c.tls && uplinkUsesTls(c.url)) {
    if (c.tls.ca) opts.ca = readFileSync(c.tls.ca);
    if (c.tls.cert) opts.cert = readFileSync(c.tls.cert);
    // An encrypted key is opened here, in memory, so mqtt.js only ever sees a plain one.
    if (c.tls.key) opts.key = clientKey(readFileSync(c.tls.key), c.tls.key, c.tls.passphrase, c.credentialsFile);
    opts.rejectUnauthorized = c.tls.rejectUnauthorized;
  }
  return opts;
}

function noLog(): void {}

/**
 * `uplink.tls` given with a plain URL (mqtt://, tcp://, ws://): the scheme alone decides TLS, so
 * the files are not used. `elevgw run` warns and `elevgw diag broker` shows the same warning.
 */
export function tlsFilesUnused(c: Pick<UplinkConfig, 'url' | 'tls'>): boolean {
  return c.tls !== undefined && !uplinkUsesTls(c.url);
}
