import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { credentialsSource } from './credentials.js';
import type { StrictFinding, StrictInput } from './strict.js';
import { clientKey } from './tls-key.js';

/**
 * The client certificate against the gateway it is installed on. Forty CSRs come back from the
 * CA as forty gateway.crt files, and `init --force` with another gateway id keeps the old one:
 * a certificate that is not the key's, or that names another gateway, passes every other check
 * and the gateway then never connects ("key values mismatch", or the broker refusing the
 * identity). init puts the gateway id in the CSR's CN and the MQTT client id in its SAN as
 * `urn:elevgw:mqtt-client-id:<client id>` (src/provision/csr.ts); a CA that copies them back
 * lets the certificate be checked against `gateway.id` and the client id the uplink connects with.
 * A certificate without that URN is checked against its key alone.
 */

const CLIENT_ID_URN = /URI:urn:elevgw:mqtt-client-id:([^,\s"]+)/g;

const REISSUE = 'send the CSR init made with this key (gateway.csr next to it) to the CA and put the certificate it returns there';

export function certificateFindings({ site, env }: StrictInput): StrictFinding[] {
  const tls = site.uplink.tls;
  const file = tls?.cert;
  // Unreadable files are tlsFindings' to report.
  if (file === undefined || !readable(file)) return [];
  const at = ['uplink', 'tls', 'cert'];
  const cert = certificateOf(file);
  if (typeof cert === 'string') return [{ path: at, message: `${file} ${cert}`, fix: REISSUE }];
  const out: StrictFinding[] = [];
  const key =
    tls?.key === undefined
      ? undefined
      : privateKeyOf(tls.key, () => clientKey(readFileSync(tls.key!), tls.key!, tls.passphrase, credentialsSource(site.uplink.credentialsFile, env)));
  if (key && !cert.checkPrivateKey(key)) {
    out.push({ path: at, message: `${file} does not belong to the key ${tls?.key}: it was issued for another key's CSR (another gateway's?)`, fix: REISSUE });
  }
  const clientId = site.uplink.clientId ?? `elevgw-${site.gateway.id}`;
  const named = [...(cert.subjectAltName ?? '').matchAll(CLIENT_ID_URN)].map((m) => m[1]!);
  // The CN is judged only where the CA kept init's names (the URN is elevgw's own): a CA with a
  // naming scheme of its own (a registration code, a serial) issues CNs that are no gateway id, and
  // strict runs before every start of the service.
  const cn = commonName(cert);
  if (named.length > 0 && cn !== undefined && cn !== site.gateway.id) {
    out.push({ path: at, message: `${file} was issued for gateway "${cn}" (its CN), but this config is gateway "${site.gateway.id}"`, fix: REISSUE });
  }
  if (named.length > 0 && !named.includes(clientId)) {
    out.push({
      path: at,
      message: `${file} was issued for MQTT client id "${named.join('", "')}" (its SAN), but this gateway connects as "${clientId}" (uplink.clientId)`,
      fix: REISSUE,
    });
  }
  return out;
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** The key as the uplink opens it (with its passphrase, if any); undefined when it cannot be: strict and the run say why elsewhere. */
function privateKeyOf(file: string, open: () => Buffer): KeyObject | undefined {
  if (!readable(file)) return undefined;
  try {
    return createPrivateKey(open());
  } catch {
    return undefined;
  }
}

/**
 * The certificate (the first of a chain), or what the file holds instead: the TLS stack would
 * refuse it at every connect, and the gateway would never reach the platform. The CSR and the key
 * sit next to the certificate in tls/, and each is an easy file to name by mistake.
 */
function certificateOf(file: string): X509Certificate | string {
  const bytes = readFileSync(file);
  try {
    return new X509Certificate(bytes);
  } catch {
    const text = bytes.toString('latin1');
    if (text.includes('-----BEGIN CERTIFICATE REQUEST-----')) return 'is a certificate request (the CSR), not the certificate the CA issues for it';
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return 'holds a private key, not a certificate';
    return 'holds no certificate (expected PEM "-----BEGIN CERTIFICATE-----" or DER)';
  }
}

/** The subject's CN (Node lists the subject one `TYPE=value` a line). */
function commonName(cert: X509Certificate): string | undefined {
  const line = cert.subject.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice('CN='.length);
}
