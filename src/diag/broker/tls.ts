import { createPrivateKey, X509Certificate } from 'node:crypto';
import tls, { type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { tlsFilesUnused } from '../../uplink/options.js';
import { certFacts, daysLeft, isoDate, pemCertificates, WARN_DAYS } from './certs.js';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { isIpLiteral } from './target.js';
import type { BrokerTarget, Finding, StepEnv, StepResult } from './types.js';

/** OpenSSL's verdicts that mean "the chain does not lead to a CA you trust". */
const TRUST_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);
/** Dates are judged from the certificate itself (with the date shown), not from OpenSSL's code. */
const TIME_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/**
 * In TLS 1.3 the server judges the client certificate after the handshake: wait this long for its
 * verdict (an alert, or session tickets, which come at once). Should it come later still, MQTT's
 * CONNECT meets it and says the same (`handshakeFinding`).
 */
const CLIENT_VERDICT_MS = 2000;

const fail = (findings: Finding[]): StepResult => ({ step: 'tls', status: 'fail', findings });

/**
 * Step 3 (mqtts://): the broker's certificate chain verifies against the configured CA (or the
 * system store), names the host of uplink.url, and is within its dates; the client certificate,
 * when configured, is within its dates, matches its key and is accepted. Verification is done by
 * hand (rejectUnauthorized off for this probe only) so that every problem is named, not just the
 * first one OpenSSL trips over.
 */
export async function checkTls(target: BrokerTarget, address: string, env: StepEnv): Promise<StepResult> {
  if (!target.tls) return plain(target, address);
  const now = env.wallNow();
  const client = clientCertificate(target, now);
  if (client.status === 'fail') return fail(client.findings);
  let socket: TLSSocket | undefined;
  try {
    const started = env.timers.now();
    socket = await withDeadline(
      env.timers,
      env.limits.tlsMs,
      handshake(target, (s) => (socket = s)),
    );
    const peer = socket.getPeerCertificate(true);
    const authError = socket.authorizationError as unknown as string | null;
    const protocol = socket.getProtocol() ?? 'TLS';
    const ms = Math.round(env.timers.now() - started);
    const late = protocol === 'TLSv1.3' ? await clientVerdict(socket, env) : undefined;
    if (late) return fail([handshakeFinding(late, target)]);
    const problems = serverProblems(target, peer, authError, now);
    if (problems.length > 0) {
      return target.rejectUnauthorized ? fail(problems) : { step: 'tls', status: 'warn', findings: [...problems, { code: 'tls_unverified' }], ms };
    }
    const server = certFacts(new X509Certificate(peer.raw));
    const days = daysLeft(server, now);
    const findings: Finding[] = [
      { code: 'tls_ok', params: { protocol, subject: server.subject, issuer: server.issuer, host: target.host, date: isoDate(server.notAfter), days } },
      ...client.findings,
    ];
    if (days < WARN_DAYS) findings.push({ code: 'tls_expires_soon', params: { date: isoDate(server.notAfter), days } });
    return { step: 'tls', status: days < WARN_DAYS || client.status === 'warn' ? 'warn' : 'ok', findings, ms };
  } catch (e) {
    if (e instanceof DeadlineExceeded) return fail([{ code: 'tls_timeout', params: { ms: e.ms, port: target.port } }]);
    return fail([handshakeFinding(e as NodeJS.ErrnoException, target)]);
  } finally {
    socket?.destroy();
  }
}

/**
 * mqtt://: nothing to verify. A password sent in clear beyond this machine deserves a warning, and
 * so do TLS files the service does not use with this URL (the warning `elevgw run` logs).
 */
function plain(target: BrokerTarget, address: string): StepResult {
  const loopback = /^127\./.test(address) || address === '::1';
  const warnings: Finding[] = [];
  if (target.password !== undefined && !loopback) warnings.push({ code: 'tls_plain_password' });
  if (tlsFilesUnused(target.uplink)) warnings.push({ code: 'tls_files_unused' });
  return { step: 'tls', status: warnings.length > 0 ? 'warn' : 'skip', findings: [{ code: 'tls_none' }, ...warnings] };
}

function handshake(target: BrokerTarget, opened: (s: TLSSocket) => void): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: target.host,
      port: target.port,
      // SNI carries a name, never an address (the uplink's mqtt.js does the same).
      ...(isIpLiteral(target.host) ? {} : { servername: target.host }),
      ...(target.ca && { ca: target.ca.pem }),
      ...(target.clientCert && { cert: target.clientCert.pem }),
      ...(target.clientKey && { key: target.clientKey }),
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
    });
    opened(s);
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
}

/** A TLS 1.3 server refuses a client certificate with an alert after the handshake; accepting it, it sends session tickets. */
function clientVerdict(socket: TLSSocket, env: StepEnv): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const timer = env.timers.after(CLIENT_VERDICT_MS, () => resolve(undefined));
    const done = (e?: NodeJS.ErrnoException) => {
      timer.cancel();
      resolve(e);
    };
    socket.once('session', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e));
  });
}

/** Alerts by which a broker turns down the client certificate, or the lack of one. */
const CLIENT_ALERTS =
  /ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|DECRYPT_ERROR|ACCESS_DENIED)/;

/**
 * A TLS error in words: the client certificate missing or refused, or the handshake itself. A
 * certificate without its key is never sent, so the broker cannot have refused it: the key is
 * what to fix, not the broker.
 */
export function handshakeFinding(e: { code?: string; message: string }, target: BrokerTarget): Finding {
  const error = e.code ?? e.message;
  if (CLIENT_ALERTS.test(error) && target.clientCert && !target.clientKey)
    return { code: 'tls_client_key_missing', params: { file: target.clientCert.file, key: 'uplink.tls.key' } };
  if (/ALERT_CERTIFICATE_REQUIRED/.test(error) && !target.clientCert) return { code: 'tls_client_required' };
  if (CLIENT_ALERTS.test(error) && target.clientCert) return { code: 'tls_client_rejected', params: { error } };
  return { code: 'tls_handshake', params: { error, port: target.port } };
}

/** Everything wrong with the broker's certificate, each named. */
function serverProblems(target: BrokerTarget, peer: DetailedPeerCertificate, authError: string | null, now: number): Finding[] {
  const problems: Finding[] = [];
  const leaf = certFacts(new X509Certificate(peer.raw));
  if (now > leaf.notAfter) problems.push({ code: 'tls_expired', params: { subject: leaf.subject, date: isoDate(leaf.notAfter) } });
  else if (now < leaf.notBefore) problems.push({ code: 'tls_not_yet_valid', params: { date: isoDate(leaf.notBefore) } });
  if (authError !== null && TRUST_ERRORS.has(authError)) {
    // The CA to trust is the one at the top of the chain the broker sent, which the leaf's issuer may only lead to.
    const anchor = certFacts(new X509Certificate(chainTop(peer).raw)).issuer;
    if (target.ca) {
      const cas = pemCertificates(target.ca.pem).map((c) => certFacts(c).subject);
      problems.push({ code: 'tls_wrong_ca', params: { issuer: leaf.issuer, anchor, file: target.ca.file, cas: cas.length > 0 ? cas.join('; ') : 'no certificate' } });
    } else problems.push({ code: 'tls_untrusted', params: { issuer: leaf.issuer, anchor } });
  } else if (authError !== null && !TIME_ERRORS.has(authError)) problems.push({ code: 'tls_chain', params: { error: authError } });
  const identity = tls.checkServerIdentity(target.host, peer);
  if (identity) problems.push({ code: 'tls_hostname', params: { host: target.host, names: peer.subjectaltname || `CN=${peer.subject.CN ?? '?'}` } });
  return problems;
}

function chainTop(peer: DetailedPeerCertificate): DetailedPeerCertificate {
  let c = peer;
  // A self-signed root the server sends points at itself.
  while (c.issuerCertificate && c.issuerCertificate.fingerprint256 !== c.fingerprint256) c = c.issuerCertificate;
  return c;
}

/** The gateway's own certificate: dates and key, judged from the files before connecting. */
function clientCertificate(target: BrokerTarget, now: number): { status: 'ok' | 'warn' | 'fail'; findings: Finding[] } {
  if (!target.clientCert) return { status: 'ok', findings: [] };
  const file = target.clientCert.file;
  const cert = pemCertificates(target.clientCert.pem)[0];
  if (!cert) return { status: 'fail', findings: [{ code: 'tls_chain', params: { error: `${file} holds no PEM certificate` } }] };
  if (target.clientKey) {
    let matches = false;
    try {
      matches = cert.checkPrivateKey(createPrivateKey(target.clientKey));
    } catch {
      // not a key at all: reported as not matching
    }
    if (!matches) return { status: 'fail', findings: [{ code: 'tls_client_key_mismatch', params: { file, key: 'uplink.tls.key' } }] };
  }
  const facts = certFacts(cert);
  const days = daysLeft(facts, now);
  const date = isoDate(facts.notAfter);
  if (now > facts.notAfter) return { status: 'fail', findings: [{ code: 'tls_client_expired', params: { file, date } }] };
  const findings: Finding[] = [{ code: 'tls_client_ok', params: { subject: facts.subject, date, days } }];
  if (days < WARN_DAYS) findings.push({ code: 'tls_client_expires_soon', params: { file, date, days } });
  // Without its key the certificate is not sent: fine for a broker that asks for none, and said here either way.
  if (!target.clientKey) findings.push({ code: 'tls_client_key_missing', params: { file, key: 'uplink.tls.key' } });
  return { status: findings.length > 1 ? 'warn' : 'ok', findings };
}
