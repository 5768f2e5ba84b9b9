import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A config's relative paths mean the same files whatever directory the gateway is started from.
 * Its own file: it changes the process's working directory, which Stryker's worker threads
 * cannot (vitest.stryker.config.mjs leaves it out; test/config/load-files.test.ts holds the
 * same resolution from the test's own directory).
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const site = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8').replace(
  '  telemetryIntervalS: 10',
  '  telemetryIntervalS: 10\n  tls: { ca: ca.pem, cert: certs/gw.crt, key: /abs/gw.key }',
);

describe('file paths in the uplink resolve against the config file', () => {
  it('uplink.tls.ca/cert/key and the credentials file, whatever the working directory', () => {
    const dir = join(tmp.dir, 'etc');
    mkdirSync(dir);
    copyFileSync(tmp.file('site.yaml', site), join(dir, 'site.yaml'));
    const before = process.cwd();
    process.chdir(tmp.dir); // not the config's directory
    try {
      const u = loadConfig(join(dir, 'site.yaml')).site.uplink;
      expect(u.tls).toMatchObject({ ca: join(dir, 'ca.pem'), cert: join(dir, 'certs/gw.crt'), key: '/abs/gw.key' });
      expect(u.credentialsFile).toBe(join(dir, 'credentials'));
    } finally {
      process.chdir(before);
    }
  });
});
