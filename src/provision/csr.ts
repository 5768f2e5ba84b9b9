import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Attribute,
  AttributeTypeAndValue,
  AttributeValue,
  ExtendedKeyUsage,
  Extension,
  Extensions,
  GeneralName,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  id_ce_extKeyUsage,
  id_ce_subjectAltName,
  id_kp_clientAuth,
} from '@peculiar/asn1-x509';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';

/**
 * The gateway's identity for mutual TLS: an EC P-256 key made here (it never leaves the
 * gateway) and a PKCS #10 request the platform's CA signs. Node makes the key and the ECDSA
 * signature; Node 20 cannot build a CSR, so its structure is encoded with @peculiar/asn1-csr
 * and @peculiar/asn1-x509 (schema-only ASN.1, no global polyfills).
 */

const OID_COMMON_NAME = '2.5.4.3';
const OID_EXTENSION_REQUEST = '1.2.840.113549.1.9.14';
const OID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';

/** The client id in the SAN as a URN: it is an MQTT identity, not a host name. */
function clientIdUri(clientId: string): string {
  return `urn:elevgw:mqtt-client-id:${clientId}`;
}

export function generateGatewayKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

/** A PKCS #8 PEM private key as read back from the file (an existing key is reused, never replaced). */
export function readPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A CSR with subject CN = the gateway id, and the client id in the SAN; signed with ECDSA-SHA256. */
export function certificateRequestPem(key: KeyObject, opts: { commonName: string; clientId: string }): string {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const extensions = new Extensions([
    new Extension({
      extnID: id_ce_subjectAltName,
      critical: false,
      extnValue: new OctetString(AsnConvert.serialize(new SubjectAlternativeName([new GeneralName({ uniformResourceIdentifier: clientIdUri(opts.clientId) })]))),
    }),
    new Extension({ extnID: id_ce_extKeyUsage, critical: false, extnValue: new OctetString(AsnConvert.serialize(new ExtendedKeyUsage([id_kp_clientAuth]))) }),
  ]);
  const info = new CertificationRequestInfo({
    version: 0,
    subject: new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: OID_COMMON_NAME, value: new AttributeValue({ utf8String: opts.commonName }) })])]),
    subjectPKInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    attributes: new Attributes([new Attribute({ type: OID_EXTENSION_REQUEST, values: [AsnConvert.serialize(extensions)] })]),
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(info)), { key, dsaEncoding: 'der' });
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer,
  });
  return pem('CERTIFICATE REQUEST', Buffer.from(AsnConvert.serialize(csr)));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
