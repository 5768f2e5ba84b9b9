import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { Answers } from '../../src/provision/answers.js';
import { provision } from '../../src/provision/provision.js';
import { tempDir } from '../helpers/tmp.js';
import { gatewayAnswers } from './answers-fixture.js';

/** provision() as an installer runs it again on a gateway: to correct an answer, or on a fresh machine. */

const tmp = tempDir('elevgw-provision-rerun-');
afterAll(() => tmp.cleanup());
let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
/** A minute later each time: a re-run's backups get names of their own. */
const nextMinute = () => {
  clock += 60_000;
  return clock;
};
const modeOf = (file: string) => (statSync(file).mode & 0o777).toString(8);
const init = (outDir: string, answers: Answers, opts: { force?: boolean; stateDir?: string } = {}) =>
  provision({
    answers,
    outDir,
    stateDir: opts.stateDir ?? join(tmp.dir, 'state'),
    force: opts.force ?? false,
    machineId: '4f2a9c1e7b3d4a5f8e6c0d1b2a3f4e5d',
    wallNow: nextMinute(),
    version: 't',
  });

describe('init --force on a provisioned gateway', () => {
  it('without --password-file keeps the config pointing at the broker password already stored', () => {
    const out = join(tmp.dir, 'pw');
    init(out, gatewayAnswers('jh-gw-1101', 'S3cr3t'));
    const again = init(out, { ...gatewayAnswers('jh-gw-1101'), site: 'corrected' }, { force: true });
    expect(again.passwordKept).toBe(true);
    expect(readFileSync(join(out, 'credentials'), 'utf8')).toContain('broker-password=S3cr3t\n');
    expect(readFileSync(join(out, 'site.yaml'), 'utf8')).toContain('password: { credential: broker-password }');
    expect(loadConfig(join(out, 'site.yaml')).site.uplink.password).toEqual({ credential: 'broker-password' });
  });

  it('refers to no password where none was ever stored', () => {
    const out = join(tmp.dir, 'no-pw');
    init(out, gatewayAnswers('jh-gw-1102'));
    const again = init(out, gatewayAnswers('jh-gw-1102'), { force: true });
    expect(again.passwordKept).toBe(false);
    expect(readFileSync(join(out, 'site.yaml'), 'utf8')).not.toContain('password');
  });
});

describe('where init puts things', () => {
  it('a relative --state-dir is taken from where init runs, as --out-dir is, not from the config', () => {
    const out = join(tmp.dir, 'rel');
    const cwd = process.cwd();
    process.chdir(tmp.dir);
    try {
      init(out, gatewayAnswers('jh-gw-1117'), { stateDir: 'state/gw' });
    } finally {
      process.chdir(cwd);
    }
    expect(readFileSync(join(out, 'site.yaml'), 'utf8')).toContain(`path: ${join(tmp.dir, 'state/gw/outbox.db')}`);
    expect(loadConfig(join(out, 'site.yaml')).outboxPath).toBe(join(tmp.dir, 'state/gw/outbox.db'));
  });

  it('makes its directories 0750 whatever the umask, so the elevgw group can enter them to read its config and key', () => {
    const out = join(tmp.dir, 'umask', 'etc', 'elevgw');
    const old = process.umask(0o077);
    try {
      init(out, gatewayAnswers('jh-gw-1104'));
    } finally {
      process.umask(old);
    }
    expect(modeOf(out)).toBe('750');
    expect(modeOf(join(out, 'tls'))).toBe('750');
    expect(modeOf(join(out, 'tls', 'gateway.key'))).toBe('600');
  });
});
