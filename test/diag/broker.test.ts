import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';
import { TlsMosquitto } from '../helpers/mosquitto-tls.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/tmp.js';
import { makeTestPki, type TestPki } from '../helpers/tls-pki.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { loadConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { renderText } from '../../src/diag/broker/render.js';
import { diagnoseBroker, verdict } from '../../src/diag/broker/run.js';
import { brokerTarget } from '../../src/diag/broker/target.js';
import { DEFAULT_LIMITS } from '../../src/diag/broker/types.js';

/**
 * `elevgw diag broker` against Debian's mosquitto with TLS, a password file and an ACL, with
 * certificates made by openssl here: each broken setup must fail at its own step, in words that
 * say what to fix, with the documented exit code; the password never appears.
 */

const PASSWORD = 'S3cret-gw01-pw';
const ACL_PASSWORD = 'S3cret-gw02-pw';
// gw01 may use its whole subtree; gw02 only what the gateway needs (status out, commands in): no test
// topic; gw03 may publish everywhere under its prefix but read nothing, so its echo is dropped silently.
const ACL = [
  ...['user gw01', 'topic readwrite elevgw/v1/gw01/#'],
  ...['user gw02', 'topic write elevgw/v1/gw02/status', 'topic read elevgw/v1/gw02/commands/#'],
  ...['user gw03', 'topic write elevgw/v1/gw03/#'],
  '',
].join('\n');

const tmp = tempDir('elevgw-broker-');
let pki: TestPki;
let mosquitto: TlsMosquitto;
let aedes: EmbeddedBroker;
/** Written once: a file rewritten for every test is truncated while it is being rewritten. */
let credentialsFile: string;
/** The gateway's client key encrypted with KEY_PASSPHRASE (a line of the credentials file). */
let encryptedKey: string;
const KEY_PASSPHRASE = 'Key-pass-Zq8';

beforeAll(async () => {
  pki = makeTestPki(tmp.dir);
  credentialsFile = tmp.file('credentials', `broker-password=${PASSWORD}\nkey-passphrase=${KEY_PASSPHRASE}\nold-passphrase=Old-pass-1\n`);
  encryptedKey = tmp.file('client-encrypted.key');
  execFileSync('openssl', ['pkey', '-in', pki.clientKey, '-aes256', '-passout', `pass:${KEY_PASSPHRASE}`, '-out', encryptedKey]);
  mosquitto = await TlsMosquitto.start(pki, { users: { gw01: PASSWORD, gw02: ACL_PASSWORD, gw03: ACL_PASSWORD }, acl: ACL });
  aedes = await startEmbeddedBroker();
}, 20_000);

afterAll(async () => {
  await mosquitto?.close();
  await aedes?.close();
  tmp.cleanup();
});

let configs = 0;
/** A site config (JSON is YAML) whose uplink is `uplink`; the elevator is never contacted. */
function site(uplink: Record<string, unknown>, gatewayId = 'gw01'): string {
  const config = {
    version: 1,
    gateway: { id: gatewayId, site: 'diag broker test' },
    elevators: [
      {
        id: 'E1',
        registrationCode: '31104201002026110001',
        rescueCode: 'JH-10001',
        board: 'sim-modbus',
        connection: { host: '127.0.0.1', port: 1502, unitId: 1 },
        ratedSpeedMps: 1.75,
        floors: [
          { label: '1', levelMm: 0 },
          { label: '2', levelMm: 3000 },
        ],
      },
    ],
    uplink,
    outbox: { path: 'outbox.db' },
  };
  return tmp.file(`site-${++configs}.yaml`, JSON.stringify(config, null, 2));
}

/** The uplink that works: TLS with the test CA and the gateway's client certificate, the password from the credentials file. */
function goodUplink(over: Record<string, unknown> = {}, tls: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: `mqtts://127.0.0.1:${mosquitto.port}`,
    username: 'gw01',
    password: { credential: 'broker-password' },
    credentialsFile,
    tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey, ...tls },
    ...over,
  };
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function diagBroker(config: string, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, 'diag', 'broker', '--config', config, ...args], { env: { ...process.env, LANG: 'C.UTF-8' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The step lines: mark and label, e.g. "✓ TLS". */
function marks(out: string): string[] {
  return out
    .split('\n')
    .filter((l) => /^[✓✗!–] /.test(l))
    .map((l) => l.replace(/^(\S) (round trip|\S+).*$/, '$1 $2'));
}

interface JsonReport {
  broker: string;
  verdict: string;
  exitCode: number;
  rttMs: number | null;
  steps: { step: string; status: string; findings: { code: string; params: Record<string, unknown>; text: string; fix?: string }[] }[];
}

function noSecrets(r: Run): void {
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  expect(r.stdout + r.stderr).not.toContain(ACL_PASSWORD);
}

// Each case is a child process that mostly waits (node start-up, the broker): run them side by side.
describe.concurrent('elevgw diag broker', () => {
  it('a good config passes every step, with the certificates’ expiry and a round-trip time, and exits 0', async () => {
    const r = await diagBroker(site(goodUplink()));
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '✓ TLS', '✓ MQTT', '✓ echo', '✓ round trip']);
    expect(r.stdout).toMatch(
      /✓ TLS +TLSv1\.\d; the broker's certificate CN=localhost is signed by CN=elevgw test CA, matches 127\.0\.0\.1, valid until \d{4}-\d\d-\d\d \(36[45] days\)/,
    );
    expect(r.stdout).toMatch(/client certificate CN=gw01 valid until \d{4}-\d\d-\d\d \(36[45] days\)/);
    expect(r.stdout).toMatch(/✓ MQTT +connected with MQTT 5 as elevgw-gw01-diag-[0-9a-f]{6}/);
    expect(r.stdout).toMatch(/✓ echo +published and received elevgw\/v1\/gw01\/diag\/echo\/[0-9a-f]{12} \(QoS 1\)/);
    expect(r.stdout).toMatch(/✓ round trip +\d+ ms from publish to receipt/);
    expect(r.stdout).toMatch(/^all good$/m);
    noSecrets(r);
  });

  it('--json carries the same steps, codes and round trip, and never the password', async () => {
    const r = await diagBroker(site(goodUplink()), '--json');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const j = JSON.parse(r.stdout) as JsonReport;
    expect(j.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'mqtt:ok', 'echo:ok', 'rtt:ok']);
    expect(j.verdict).toBe('ok');
    expect(j.exitCode).toBe(0);
    expect(typeof j.rttMs).toBe('number');
    expect(j.steps[2]!.findings.map((f) => f.code)).toEqual(['tls_ok', 'tls_client_ok']);
    noSecrets(r);
  });

  it('a wrong password fails at MQTT with the broker’s reason in words, skips the rest, exits 1', async () => {
    const r = await diagBroker(site(goodUplink({ password: 'not-the-password' })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '✓ TLS', '✗ MQTT', '– echo', '– round trip']);
    // mosquitto answers a bad password with "not authorised" (135), not "bad user name or password".
    expect(r.stdout).toMatch(/✗ MQTT +the broker refused the connection: not authorised \(reason code 135\)/);
    expect(r.stdout).toMatch(/→ the broker does not let gw01 connect: a wrong user name or password/);
    expect(r.stdout).not.toContain('not-the-password');
  });

  it('--json of a wrong password carries the same failure', async () => {
    const r = await diagBroker(site(goodUplink({ password: 'not-the-password' })), '--json');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    const j = JSON.parse(r.stdout) as JsonReport;
    expect(j.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'fail', 'skip', 'skip']);
    expect(j.steps[3]!.findings[0]).toMatchObject({ code: 'mqtt_refused', params: { rc: 135, version: 5 }, text: expect.stringContaining('not authorised') as unknown });
    expect(j).toMatchObject({ verdict: 'failed', exitCode: 1, rttMs: null });
    expect(r.stdout).not.toContain('not-the-password');
  });

  it('an expired server certificate fails at TLS with its date and "renew", exits 1', async () => {
    const r = await diagBroker(site(goodUplink({ url: `mqtts://localhost:${mosquitto.expiredPort}` })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '✗ TLS', '– MQTT', '– echo', '– round trip']);
    expect(r.stdout).toMatch(/✓ DNS +localhost → /);
    expect(r.stdout).toContain(`the broker's certificate CN=localhost expired on ${pki.expiredOn.toISOString().slice(0, 10)}`);
    expect(r.stdout).toMatch(/→ renew the broker certificate/);
  });

  it('a CA file that did not sign the broker’s certificate fails at TLS naming both CAs, exits 1', async () => {
    const r = await diagBroker(site(goodUplink({}, { ca: pki.otherCa })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '✗ TLS', '– MQTT', '– echo', '– round trip']);
    expect(r.stdout).toContain(`wrong CA: the broker's certificate is signed by CN=elevgw test CA, your ca file ${pki.otherCa} has CN=unrelated CA`);
  });

  it('--lang zh says the same in Chinese', async () => {
    const r = await diagBroker(site(goodUplink({}, { ca: pki.otherCa })), '--lang', 'zh');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stdout).toContain(`CA 不对：服务器证书由 CN=elevgw test CA 签发，而 CA 文件 ${pki.otherCa} 中是 CN=unrelated CA`);
    expect(r.stdout).toMatch(/^– MQTT 连接 +已跳过：前一步失败$/m);
  });

  it('a broker that requires a client certificate, given none, fails at TLS saying so', async () => {
    const r = await diagBroker(site(goodUplink({ tls: { ca: pki.ca } })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stdout).toMatch(/✗ TLS +the broker requires a client certificate and none is configured/);
    expect(r.stdout).toMatch(/→ set uplink\.tls\.cert and uplink\.tls\.key/);
  });

  it('a client certificate without its key is not sent: the check names uplink.tls.key, not the broker, in both languages', async () => {
    const uplink = goodUplink({ tls: { ca: pki.ca, cert: pki.clientCert } });
    const r = await diagBroker(site(uplink));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(1);
    expect(r.stdout).toContain(`✗ TLS         the client certificate ${pki.clientCert} is configured without its key (uplink.tls.key), so it is not sent`);
    expect(r.stdout).toMatch(/→ set uplink\.tls\.key to the private key of this certificate/);
    expect(r.stdout).not.toMatch(/refused the client certificate|broker operator/);
    const zh = await diagBroker(site(uplink), '--lang', 'zh');
    expect(zh.stdout).toContain(`已配置客户端证书 ${pki.clientCert}，但没有配置其私钥（uplink.tls.key），因此证书不会被发送`);
    expect(zh.stdout).toContain('将 uplink.tls.key 设为该证书的私钥');
  });

  it('an encrypted client key is opened with its passphrase; a wrong one stops the check naming the file and the credential', async () => {
    const good = await diagBroker(site(goodUplink({}, { key: encryptedKey, passphrase: { credential: 'key-passphrase' } })));
    expect(marks(good.stdout)).toEqual(['✓ DNS', '✓ TCP', '✓ TLS', '✓ MQTT', '✓ echo', '✓ round trip']);
    const wrong = await diagBroker(site(goodUplink({}, { key: encryptedKey, passphrase: { credential: 'old-passphrase' } })));
    expect([wrong.status, wrong.stdout]).toEqual([2, '']);
    expect(wrong.stderr).toContain(
      `uplink.tls.key: ${encryptedKey} cannot be opened with the passphrase of credential "old-passphrase" (a wrong passphrase, or a damaged key file)`,
    );
    expect(wrong.stderr + good.stdout).not.toMatch(new RegExp(`${KEY_PASSPHRASE}|Old-pass-1`));
  });

  it('a client certificate close to expiry is a warning, exit 0', async () => {
    const r = await diagBroker(site(goodUplink({}, { cert: pki.shortClientCert })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '! TLS', '✓ MQTT', '✓ echo', '✓ round trip']);
    expect(r.stdout).toMatch(new RegExp(`your client certificate \\S+client-short\\.pem expires on \\d{4}-\\d\\d-\\d\\d, in ${pki.shortClientDays} days`));
  });

  it('a closed port fails at TCP and exits 3 (unreachable)', async () => {
    const port = await freePort();
    const r = await diagBroker(site(goodUplink({ url: `mqtts://127.0.0.1:${port}` })));
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(3);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✗ TCP', '– TLS', '– MQTT', '– echo', '– round trip']);
    expect(r.stdout).toContain(`127.0.0.1 port ${port} refused the connection: nothing listens there`);
    expect(r.stdout).toMatch(/^the broker cannot be reached/m);
  });

  it('an unknown host fails at DNS and exits 3 (unreachable)', async () => {
    const r = await diagBroker(site(goodUplink({ url: 'mqtts://broker.elevgw-test.invalid:8883' })), '--json');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(3);
    const j = JSON.parse(r.stdout) as JsonReport;
    expect(j.steps.map((s) => s.status)).toEqual(['fail', 'skip', 'skip', 'skip', 'skip', 'skip']);
    // .invalid never resolves (RFC 6761); a machine with no DNS server at all cannot even ask.
    expect(['dns_not_found', 'dns_unanswered']).toContain(j.steps[0]!.findings[0]!.code);
    expect(j.steps[0]!.findings[0]!.text).toMatch(/^(broker\.elevgw-test\.invalid does not exist|no DNS server answered for broker\.elevgw-test\.invalid)/);
    expect(j.verdict).toBe('unreachable');
  });

  it('an ACL that forbids the test topic is a warning, not a failure: exit 0', async () => {
    const r = await diagBroker(site(goodUplink({ username: 'gw02', password: ACL_PASSWORD }), 'gw02'));
    expect(r.status, r.stdout).toBe(0);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '✓ TLS', '✓ MQTT', '! echo', '– round trip']);
    expect(r.stdout).toMatch(/! echo +ACL does not allow publish on elevgw\/v1\/gw02\/diag\/echo\/[0-9a-f]{12} \(not authorised\)/);
    expect(r.stdout).toMatch(/→ the gateway does not need this .* allow elevgw\/v1\/gw02\/diag\/# for this user/);
    expect(r.stdout).toMatch(/^the uplink works; see the warnings/m);
    noSecrets(r);
  });

  it('a broker without MQTT 5 is checked with MQTT 3.1.1; credentials in the URL are never shown', async () => {
    const r = await diagBroker(site({ url: `mqtt://gw01:${PASSWORD}@127.0.0.1:${aedes.port}` }));
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain(`broker mqtt://[redacted]@127.0.0.1:${aedes.port}`);
    expect(r.stdout).toMatch(/– TLS +mqtt:\/\/ is not encrypted/);
    expect(r.stdout).toMatch(/✓ MQTT +connected with MQTT 3\.1\.1 as elevgw-gw01-diag-/);
    expect(r.stdout).toContain('the broker does not speak MQTT 5: MQTT 3.1.1 is used');
    expect(r.stdout).toMatch(/✓ round trip/);
    noSecrets(r);
  });

  it('mqtt:// with uplink.tls files connects in plain MQTT, as the service does, and warns that the files are not used', async () => {
    // mqtt.js alone would take the certificate and key as a switch to TLS and speak it to the plain port.
    const r = await diagBroker(site({ url: `mqtt://127.0.0.1:${aedes.port}`, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } }));
    expect(r.status, r.stdout).toBe(0);
    expect(marks(r.stdout)).toEqual(['✓ DNS', '✓ TCP', '! TLS', '✓ MQTT', '✓ echo', '✓ round trip']);
    expect(r.stdout).toContain('uplink.tls is set but the URL is not TLS (use mqtts://): the TLS files are not used');
    expect(r.stdout).toMatch(/→ for TLS, write mqtts:\/\/ and the broker’s TLS port in uplink\.url; otherwise remove uplink\.tls/);
    expect(r.stdout).toMatch(/^the uplink works; see the warnings/m);
  });

  it('an echo the broker drops without a word (it may not be read back) is a warning after the wait, exit 0', async () => {
    // In process, to wait 1 s instead of the command's 5 s; the words are the command's own.
    const target = brokerTarget(loadConfig(site(goodUplink({ username: 'gw03', password: ACL_PASSWORD }), 'gw03')));
    const steps = await diagnoseBroker(target, { timers: systemClock, wallNow: () => systemClock.wallNow(), limits: { ...DEFAULT_LIMITS, echoMs: 1000 } });
    expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual(['dns:ok', 'tcp:ok', 'tls:ok', 'mqtt:ok', 'echo:warn', 'rtt:skip']);
    expect(verdict(steps)).toBe('ok');
    const text = renderText({ target, steps, verdict: 'ok', exitCode: 0, lang: 'en' });
    expect(text).toMatch(/! echo +the message did not come back within 1 s: the ACL does not allow publish or subscribe on elevgw\/v1\/gw03\/diag\/echo\/[0-9a-f]{12}/);
    expect(text).not.toContain(ACL_PASSWORD);
  });
});
