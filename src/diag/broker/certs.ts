import { X509Certificate } from 'node:crypto';

/** What the checks say about one certificate. */
export interface CertFacts {
  subject: string;
  issuer: string;
  notBefore: number;
  notAfter: number;
}

const DAY_MS = 86_400_000;

/** A distinguished name on one line, `CN=…, O=…` (X509Certificate gives one attribute per line). */
function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function certFacts(cert: X509Certificate): CertFacts {
  return { subject: oneLine(cert.subject), issuer: oneLine(cert.issuer), notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
}

/** Every certificate of a PEM file (a CA file often holds several). */
export function pemCertificates(pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

/** Whole days from `now` until `notAfter` (negative once expired). */
export function daysLeft(facts: CertFacts, now: number): number {
  return Math.floor((facts.notAfter - now) / DAY_MS);
}

/** A date as technicians and certificates' owners write it: 2026-03-01 (UTC). */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Expiry closer than this is a warning: time to order a new certificate. */
export const WARN_DAYS = 30;
