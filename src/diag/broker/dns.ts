import { lookup } from 'node:dns/promises';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { isIpLiteral } from './target.js';
import type { BrokerTarget, StepEnv, StepResult } from './types.js';

/** Names that do not exist: the host name is wrong (or the DNS server does not know it). */
const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

/**
 * Step 1: the broker's name resolves, the way the uplink's connection will resolve it (getaddrinfo,
 * so /etc/hosts counts). An IP address needs no lookup. Returns the first address (is it this machine?).
 */
export async function checkDns(target: BrokerTarget, env: StepEnv): Promise<{ result: StepResult; address?: string }> {
  const host = target.host;
  if (isIpLiteral(host)) return { result: { step: 'dns', status: 'ok', findings: [{ code: 'dns_ip', params: { host } }] }, address: host };
  const started = env.timers.now();
  try {
    const all = await withDeadline(env.timers, env.limits.dnsMs, lookup(host, { all: true }));
    const ms = Math.round(env.timers.now() - started);
    const addresses = all.map((a) => a.address);
    return { result: { step: 'dns', status: 'ok', findings: [{ code: 'dns_ok', params: { host, addresses: addresses.join(', ') } }], ms }, address: addresses[0] };
  } catch (e) {
    if (e instanceof DeadlineExceeded) return { result: { step: 'dns', status: 'fail', findings: [{ code: 'dns_timeout', params: { host, ms: e.ms } }] } };
    const error = (e as NodeJS.ErrnoException).code ?? String(e);
    // EAI_AGAIN: no server answered (offline, or no DNS configured) — not proof that the name is wrong.
    const code = NOT_FOUND.has(error) ? 'dns_not_found' : error === 'EAI_AGAIN' ? 'dns_unanswered' : 'dns_failed';
    return { result: { step: 'dns', status: 'fail', findings: [{ code, params: { host, error } }] } };
  }
}
