import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { REPO } from '../helpers/built.js';
import { makeTestPki, type TestPki } from '../helpers/tls-pki.js';
import { tempDir } from '../helpers/tmp.js';
import { ensureReleases, extract } from './releases.js';

/**
 * Which certificates a release trusts. The launcher gives every command Node's own flags
 * (`node_flags=` in scripts/release/launcher.sh: --use-openssl-ca), so the x64 release's bundled
 * Node 22, run with them, must trust what OpenSSL's store holds (here a test CA named by
 * SSL_CERT_FILE, as /etc/ssl/certs would), trust only the `ca` a site config names when it names
 * one, and refuse a broker signed by anyone else: docs/release.md ("The launcher").
 */

const exec = promisify(execFile);
const tmp = tempDir('elevgw-trust-');
let node: string;
let nodeFlags: string[];
let pki: TestPki;
let server: tls.Server;
let port: number;

beforeAll(async () => {
  const { 'linux-x64': tarball } = await ensureReleases(['linux-x64']);
  mkdirSync(join(tmp.dir, 'x'));
  const top = await extract(tarball!, join(tmp.dir, 'x'), 'linux-x64');
  node = join(top, 'node/bin/node');
  const line = /^node_flags=(.*)$/m.exec(readFileSync(join(REPO, 'scripts/release/launcher.sh'), 'utf8'));
  nodeFlags = line![1]!.split(' ').filter(Boolean);
  mkdirSync(join(tmp.dir, 'pki'));
  pki = makeTestPki(join(tmp.dir, 'pki'));
  server = tls.createServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
}, 20 * 60_000);
afterAll(() => {
  server?.close();
  tmp.cleanup();
});

/** What the release's Node, with the launcher's flags, says of a TLS connection to the test broker. */
async function connect(env: Record<string, string>, ca?: string): Promise<string> {
  const script = `const tls = require('tls'); const fs = require('fs');
const o = { host: '127.0.0.1', port: ${port}, servername: 'localhost' };
if (process.env.CA_FILE) o.ca = fs.readFileSync(process.env.CA_FILE);
const s = tls.connect(o, () => { console.log('verified'); s.end(); });
s.on('error', (e) => console.log(e.code));`;
  // An empty SSL_CERT_DIR: only SSL_CERT_FILE stands for the machine's store.
  const { stdout } = await exec(node, [...nodeFlags, '-e', script], {
    env: { PATH: '/usr/bin:/bin', SSL_CERT_DIR: join(tmp.dir, 'none'), ...env, ...(ca ? { CA_FILE: ca } : {}) },
  });
  return stdout.trim();
}

describe("the release's trust: the operating system's CA store, or the site's own CA", () => {
  it('runs with --use-openssl-ca', () => {
    expect(nodeFlags).toContain('--use-openssl-ca');
  });

  it("trusts a broker signed by a CA in OpenSSL's store, and no other", async () => {
    expect(await connect({ SSL_CERT_FILE: pki.ca })).toBe('verified');
    expect(await connect({ SSL_CERT_FILE: pki.otherCa })).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  }, 60_000);

  it('trusts only the CA the site names (uplink.tls.ca), whatever the store holds', async () => {
    expect(await connect({ SSL_CERT_FILE: pki.otherCa }, pki.ca)).toBe('verified');
    expect(await connect({ SSL_CERT_FILE: pki.ca }, pki.otherCa)).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  }, 60_000);
});
