import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { secretValue } from '../../config/credentials.js';
import { clientKey } from '../../config/tls-key.js';
import type { LoadedConfig } from '../../config/load.js';
import { uplinkUsesTls } from '../../config/site.js';
import { ElevgwError } from '../../core/errors.js';
import type { BrokerTarget } from './types.js';

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, tcp: 1883, mqtts: 8883, ssl: 8883, ws: 80, wss: 443 };

/** Never show credentials embedded in a URL (the same rule as the uplink's log). */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]+)@/, '//[redacted]@');
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ElevgwError('CONFIG_NOT_FOUND', `uplink.tls.${what}: ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file });
  }
}

/**
 * What the checks need from a loaded site config. Secrets are read the way the uplink reads them
 * (`secretValue`: systemd's credential copy, else the credentials file; an encrypted key opened with
 * its passphrase in memory), so a check that passes here means the service's connection gets the
 * same password and key. Paths were already resolved against the config file by `loadConfig`.
 */
export function brokerTarget(config: LoadedConfig): BrokerTarget {
  const u = config.site.uplink;
  let parsed: URL;
  try {
    parsed = new URL(u.url);
  } catch {
    throw new ElevgwError('CONFIG_INVALID', `uplink.url: ${redactUrl(u.url)} is not a URL`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  // URL keeps IPv6 literals in brackets; net and tls want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? (DEFAULT_PORTS[scheme] ?? 1883) : Number(parsed.port);
  const target: BrokerTarget = {
    url: u.url,
    shownUrl: redactUrl(u.url),
    host,
    port,
    tls: uplinkUsesTls(u.url), // as the service decides it
    uplink: u,
    rejectUnauthorized: u.tls?.rejectUnauthorized ?? true,
    clientId: u.clientId ?? `elevgw-${config.site.gateway.id}`,
    gatewayId: config.site.gateway.id,
    topicPrefix: u.topicPrefix,
  };
  // mqtt.js takes credentials from the URL when the config gives none; so does this check.
  const username = u.username ?? (parsed.username === '' ? undefined : decodeURIComponent(parsed.username));
  if (username !== undefined) target.username = username;
  if (u.password !== undefined) target.password = secretValue(u.password, u.credentialsFile);
  else if (parsed.password !== '') target.password = decodeURIComponent(parsed.password);
  // With a plain URL the service does not use (or read) the TLS files: neither does the check.
  const tls = target.tls ? u.tls : undefined;
  if (tls?.ca) target.ca = { file: tls.ca, pem: readFile(tls.ca, 'ca') };
  if (tls?.cert) target.clientCert = { file: tls.cert, pem: readFile(tls.cert, 'cert') };
  if (tls?.key) target.clientKey = clientKey(readFile(tls.key, 'key'), tls.key, tls.passphrase, u.credentialsFile);
  return target;
}

/** A host written as an address needs no DNS lookup, and TLS gives no SNI for it. */
export function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}
