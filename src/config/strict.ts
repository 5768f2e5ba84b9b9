import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type SiteConfig, uplinkUsesTls } from './site.js';
import type { BoardProfile } from './board.js';

/**
 * `elevgw config validate --strict`: what a config that is well-formed may still get wrong on a
 * real gateway — values copied from the examples, secrets in the YAML or sent in clear, TLS that
 * does not verify, files the service cannot read. The installer and the unit's ExecStartPre run
 * it, so a gateway with such a config is never started. Each finding says how to fix it.
 */

export interface StrictFinding {
  /** Where in the site config (for its file:line:col). */
  path: PropertyKey[];
  message: string;
  fix: string;
}

type BoardMap = ReadonlyMap<string, { profile: BoardProfile; file: string }>;

export interface StrictInput {
  /** The validated config, its paths resolved against the config file. */
  site: SiteConfig;
  /** The config as written (after migration, before defaults). */
  raw: unknown;
  outboxPath: string;
  /** The package root: its config/ holds the examples whose ids are placeholders. */
  packageDir: string;
  /** The shipped profiles and those of the site's `boardsDir`, by id. */
  boards: { shipped: BoardMap; site: BoardMap };
  env?: NodeJS.ProcessEnv;
  /** The installer's state directory, the service user's own (default /var/lib/elevgw). */
  stateDir?: string;
}

/** What the values say (placeholders, secrets, TLS settings); the files they name: strict-files.ts. */
export function valueFindings(input: StrictInput): StrictFinding[] {
  return [...placeholderFindings(input), ...uplinkFindings(input.site)];
}

const CHANGE_ME = /change[-_ ]?me/i;
/** Names and addresses reserved for documentation and examples (RFC 2606, 5737, 3849). */
const EXAMPLE_HOST = /(^|\.)(invalid|example|example\.(com|net|org))\.?$/i;
const EXAMPLE_V4 = [/^192\.0\.2\./, /^198\.51\.100\./, /^203\.0\.113\./];

/** A documentation or example host (RFC 2606, 5737, 3849); `elevgw init` refuses it with this same rule. */
export function exampleHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (isIP(h) === 4) return EXAMPLE_V4.some((r) => r.test(h));
  if (isIP(h) === 6) return /^2001:0?db8:/i.test(h);
  return EXAMPLE_HOST.test(h);
}

/** The ids of the shipped examples: a site that still carries one was copied, not filled in (`elevgw init` refuses them too). */
export function exampleIds(packageDir: string): { gateways: Set<string>; codes: Set<string> } {
  const gateways = new Set<string>();
  const codes = new Set<string>();
  for (const name of ['site.example.yaml', 'demo.yaml']) {
    const file = join(packageDir, 'config', name);
    if (!existsSync(file)) continue;
    const doc = parse(readFileSync(file, 'utf8')) as { gateway?: { id?: unknown }; elevators?: { registrationCode?: unknown }[] } | null;
    if (typeof doc?.gateway?.id === 'string') gateways.add(doc.gateway.id);
    for (const e of doc?.elevators ?? []) if (typeof e.registrationCode === 'string') codes.add(e.registrationCode);
  }
  return { gateways, codes };
}

function placeholderFindings({ site, raw, packageDir }: StrictInput): StrictFinding[] {
  const out: StrictFinding[] = [];
  const walk = (v: unknown, path: PropertyKey[]): void => {
    if (typeof v === 'string' && CHANGE_ME.test(v)) {
      out.push({ path, message: `"${v}" is a placeholder`, fix: 'write the real value for this gateway (a secret goes into the credentials file, never here)' });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, [...path, i]);
      });
    } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(raw, []);

  const examples = exampleIds(packageDir);
  if (examples.gateways.has(site.gateway.id)) {
    out.push({
      path: ['gateway', 'id'],
      message: `"${site.gateway.id}" is the id of a shipped example config`,
      fix: 'give this gateway the id the platform assigned to it (it is part of every MQTT topic)',
    });
  }
  site.elevators.forEach((e, i) => {
    if (examples.codes.has(e.registrationCode)) {
      out.push({
        path: ['elevators', i, 'registrationCode'],
        message: `"${e.registrationCode}" is the registration code of a shipped example`,
        fix: "copy the 20-character code from this elevator's registration certificate (使用登记证)",
      });
    }
    const host = e.connection && 'host' in e.connection ? e.connection.host : undefined;
    if (host !== undefined && exampleHost(host)) {
      out.push({
        path: ['elevators', i, 'connection', 'host'],
        message: `${host} is a documentation/example address`,
        fix: "write the address of this elevator's controller interface",
      });
    }
  });
  const broker = brokerHost(site.uplink.url);
  if (broker !== undefined && exampleHost(broker)) {
    out.push({ path: ['uplink', 'url'], message: `${broker} is a documentation/example host`, fix: "write the district platform's broker address" });
  }
  return out;
}

function brokerHost(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

function loopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h);
}

function uplinkFindings(site: SiteConfig): StrictFinding[] {
  const u = site.uplink;
  const out: StrictFinding[] = [];
  let url: URL | undefined;
  try {
    url = new URL(u.url);
  } catch {
    out.push({ path: ['uplink', 'url'], message: `${u.url} is not a URL`, fix: 'write mqtts://HOST:8883' });
  }
  const plain = url !== undefined && !uplinkUsesTls(u.url);
  if (url?.password) {
    out.push({
      path: ['uplink', 'url'],
      message: 'the URL carries a password',
      fix: 'remove it from the URL; set uplink.password: { credential: broker-password } and put broker-password=… into the credentials file',
    });
  }
  if (typeof u.password === 'string') {
    out.push({
      path: ['uplink', 'password'],
      message: 'the broker password is written in the YAML',
      fix: 'move it to the credentials file as a line broker-password=… and write password: { credential: broker-password }',
    });
  }
  if (plain && url && (u.password !== undefined || url.password) && !loopback(url.hostname)) {
    out.push({
      path: ['uplink', 'url'],
      message: `the password would be sent in clear text (${url.protocol}//) to ${url.hostname}, which is not this machine`,
      fix: 'use mqtts://HOST:8883 (TLS); plain mqtt:// only to a broker on loopback',
    });
  }
  if (plain && u.tls) {
    out.push({ path: ['uplink', 'tls'], message: `TLS files are given but the URL is ${url?.protocol}// (no TLS): they would not be used`, fix: 'use mqtts:// (or wss://)' });
  }
  if (u.tls?.rejectUnauthorized === false) {
    out.push({
      path: ['uplink', 'tls', 'rejectUnauthorized'],
      message: "the broker's certificate would not be verified (anyone on the path could pose as the platform)",
      fix: "remove rejectUnauthorized: false; give the platform's CA as uplink.tls.ca",
    });
  }
  if (u.tls && (u.tls.cert === undefined) !== (u.tls.key === undefined)) {
    const missing = u.tls.cert === undefined ? 'cert' : 'key';
    out.push({
      path: ['uplink', 'tls'],
      message: `a client ${missing === 'cert' ? 'key' : 'certificate'} without its ${missing === 'cert' ? 'certificate' : 'key'}`,
      fix: `give uplink.tls.${missing} as well (mutual TLS needs both)`,
    });
  }
  return out;
}
