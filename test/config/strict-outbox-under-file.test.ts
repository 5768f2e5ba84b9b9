import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ConfigProblem } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `--strict` and the outbox directory: the nearest existing path above `outbox.path` must be a
 * directory the service can write. Under a regular file (a typo such as
 * `outbox.path: credentials/outbox.db`, or a file left where the state directory should be) no
 * directory can be made (ENOTDIR) and the gateway would stop at start with OUTBOX_UNAVAILABLE:
 * the check refuses it before the start.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('strict check of the outbox directory', () => {
  it('refuses an outbox path under a regular file, where no directory can be made', () => {
    tmp.file('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    chmodSync(tmp.file('credentials', 'broker-password=Zq8-real-secret\n'), 0o600);
    tmp.file('state', 'a file, not a directory\n');
    const file = tmp.file(
      'site.yaml',
      `version: 1
gateway: { id: jh-gw-0417 }
elevators:
  - { id: L1, registrationCode: "31104201002023050417", rescueCode: "27-0417", board: generic-modbus-controller, connection: { host: 10.20.0.15 }, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }] }
uplink: { url: "mqtts://mqtt.platform.jianghan.gov.cn:8883", password: { credential: broker-password }, tls: { ca: ca.pem } }
outbox: { path: state/outbox.db }
`,
    );
    let problems: ConfigProblem[] = [];
    try {
      loadConfig(file, { strict: true });
    } catch (e) {
      if (!isElevgwError(e, 'CONFIG_INVALID')) throw e;
      problems = e.context.problems as ConfigProblem[];
    }
    expect(problems.map((p) => p.path)).toEqual(['outbox.path']);
    expect(problems[0]?.message).toBe(`${join(tmp.dir, 'state')} is a file, not a directory, so the outbox ${join(tmp.dir, 'state', 'outbox.db')} cannot be created under it`);
  });
});
