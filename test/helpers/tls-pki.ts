import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test certificates made with Debian's `openssl`, the way an operator makes them: a CA, a server
 * certificate for localhost and 127.0.0.1, the same server key in a certificate that has expired,
 * a second CA that signed nothing here, and client certificates for the gateway. EC P-256 keys, so
 * the whole set takes a fraction of a second.
 */
export interface TestPki {
  dir: string;
  ca: string;
  otherCa: string;
  serverCert: string;
  serverKey: string;
  /** Same key and names as `serverCert`, valid until `expiredOn` (in the past). */
  expiredCert: string;
  expiredOn: Date;
  /** Signed by `ca`, valid for a year. */
  clientCert: string;
  clientKey: string;
  /** Signed by `ca`, valid for `clientDays` more days only (expiry warning). */
  shortClientCert: string;
  shortClientDays: number;
}

const DAY_MS = 86_400_000;

/** openssl's date format for `ca -startdate/-enddate`: YYYYMMDDHHMMSSZ. */
function asn1Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function makeTestPki(dir: string): TestPki {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(name));
  const selfSigned = (name: string, cn: string) => {
    key(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.pem`), '-days', '3650', '-subj', `/CN=${cn}`);
  };
  selfSigned('ca', 'elevgw test CA');
  selfSigned('other-ca', 'unrelated CA');

  // `openssl ca` (not `x509 -req`) because only it takes explicit start and end dates: the expired certificate.
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('serial'), '1000\n');
  writeFileSync(
    at('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  const sign = (csr: string, out: string, from: Date, to: Date) =>
    openssl(
      'ca',
      '-batch',
      '-config',
      at('ca.cnf'),
      '-cert',
      at('ca.pem'),
      '-keyfile',
      at('ca.key'),
      '-in',
      at(csr),
      '-out',
      at(out),
      '-notext',
      '-startdate',
      asn1Time(from),
      '-enddate',
      asn1Time(to),
    );
  const request = (keyName: string, csr: string, cn: string, san?: string) =>
    openssl('req', '-new', '-key', at(keyName), '-out', at(csr), '-subj', `/CN=${cn}`, ...(san ? ['-addext', `subjectAltName=${san}`] : []));

  const now = Date.now();
  const expiredOn = new Date(now - 30 * DAY_MS);
  key('server.key');
  request('server.key', 'server.csr', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  sign('server.csr', 'server.pem', new Date(now - DAY_MS), new Date(now + 365 * DAY_MS));
  sign('server.csr', 'expired.pem', new Date(now - 400 * DAY_MS), expiredOn);
  key('client.key');
  request('client.key', 'client.csr', 'gw01');
  sign('client.csr', 'client.pem', new Date(now - DAY_MS), new Date(now + 365 * DAY_MS));
  const shortClientDays = 10;
  // Half a day over, so "days left" is 10 whenever within the next twelve hours the test looks.
  sign('client.csr', 'client-short.pem', new Date(now - DAY_MS), new Date(now + (shortClientDays + 0.5) * DAY_MS));

  // mosquitto started as root drops to its own user, which must read the directory and the files.
  chmodSync(dir, 0o755);
  for (const f of ['ca.pem', 'server.pem', 'server.key', 'expired.pem']) chmodSync(at(f), 0o644);
  return {
    dir,
    ca: at('ca.pem'),
    otherCa: at('other-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    expiredCert: at('expired.pem'),
    expiredOn,
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    shortClientCert: at('client-short.pem'),
    shortClientDays,
  };
}

/** A self-signed client certificate and its key (`gw.crt`, `gw.key` in `dir`): a pair that belongs together, for checks of the files alone. */
export function selfSignedPair(dir: string): { cert: string; key: string } {
  const [cert, key] = [join(dir, 'gw.crt'), join(dir, 'gw.key')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=gw01'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return { cert, key };
}
