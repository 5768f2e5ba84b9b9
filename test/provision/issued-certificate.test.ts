import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { provision } from '../../src/provision/provision.js';
import { tempDir } from '../helpers/tmp.js';
import { gatewayAnswers } from './answers-fixture.js';
import { testCa } from './fixtures.js';

/**
 * The certificate the platform's CA returns, checked by `config validate --strict` against the
 * gateway it is put on: forty CSRs come back as forty gateway.crt files, and one on the wrong
 * gateway (or left over from before an `init --force` with another id) would pass every other
 * check and then never connect.
 */

const tmp = tempDir('elevgw-issued-cert-');
afterAll(() => tmp.cleanup());
const ca = testCa(tmp.dir);
let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
/** A minute later each time: a re-run's backups get names of their own. */
const nextMinute = () => {
  clock += 60_000;
  return clock;
};
const init = (outDir: string, gatewayId: string, force = false) =>
  provision({
    answers: gatewayAnswers(gatewayId),
    outDir,
    stateDir: join(tmp.dir, 'state'),
    force,
    machineId: '4f2a9c1e7b3d4a5f8e6c0d1b2a3f4e5d',
    wallNow: nextMinute(),
    version: 't',
  });
const strict = (dir: string) => () => loadConfig(join(dir, 'site.yaml'), { strict: true });

describe('config validate --strict and the issued client certificate', () => {
  it("refuses a certificate issued for another gateway's key, naming the file", () => {
    const [a, b] = [join(tmp.dir, 'a'), join(tmp.dir, 'b')];
    init(a, 'jh-gw-1101');
    init(b, 'jh-gw-1102');
    ca.sign(join(b, 'tls', 'gateway.csr'), join(b, 'tls', 'gateway.crt'));
    expect(strict(b)).not.toThrow();
    ca.sign(join(a, 'tls', 'gateway.csr'), join(b, 'tls', 'gateway.crt'));
    expect(strict(b)).toThrow(`${join(b, 'tls', 'gateway.crt')} does not belong to the key ${join(b, 'tls', 'gateway.key')}`);
  });

  it('refuses the certificate of the gateway id this directory had before init --force with another', () => {
    const c = join(tmp.dir, 'c');
    init(c, 'jh-gw-1101');
    ca.sign(join(c, 'tls', 'gateway.csr'), join(c, 'tls', 'gateway.crt'));
    init(c, 'jh-gw-1109', true);
    expect(strict(c)).toThrow('was issued for gateway "jh-gw-1101" (its CN), but this config is gateway "jh-gw-1109"');
    expect(strict(c)).toThrow('was issued for MQTT client id "elevgw-jh-gw-1101-4f2a9c1e" (its SAN), but this gateway connects as "elevgw-jh-gw-1109-4f2a9c1e"');
    ca.sign(join(c, 'tls', 'gateway.csr'), join(c, 'tls', 'gateway.crt'));
    expect(strict(c)).not.toThrow();
  });

  it("accepts a CA's own naming: a CN that is no gateway id, without init's client-id URN, checked against its key alone", () => {
    const d = join(tmp.dir, 'd');
    init(d, 'jh-gw-1103');
    ca.sign(join(d, 'tls', 'gateway.csr'), join(d, 'tls', 'gateway.crt'), { subject: '/CN=31104201002026110003/O=Jianghan elevator platform' });
    expect(strict(d)).not.toThrow();
  });
});
