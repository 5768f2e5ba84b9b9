import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';
import { VERSION, ensureReleases } from '../release/releases.js';
import { calls, credentialsFile, goodSite, install, mode, uninstall, verifyUnit } from './installer.js';

/**
 * Issue 10's installer acceptance, on the x64 release (built or found up to date by
 * test/release): scripts/install.sh --root installs every file with its mode, records every owner
 * and every call it would make on a live system; a config that fails --strict is refused and
 * nothing is enabled; the same release installed again changes and restarts nothing; uninstall
 * keeps the site's config and data unless --purge; systemd-analyze accepts the installed unit.
 */

const tmp = tempDir('elevgw-install-');
let tarball = '';
beforeAll(async () => {
  tarball = (await ensureReleases(['linux-x64']))['linux-x64']!;
}, 20 * 60_000);
afterAll(() => tmp.cleanup());

const root = join(tmp.dir, 'root');
const R = (p: string) => join(root, p);
const repoFile = (p: string) => readFileSync(join(REPO, p), 'utf8');

describe('scripts/install.sh --root on a release', () => {
  it('installs the release, links, directories, credentials, unit, udev rules and journald drop-in, and records its calls', () => {
    const r = install(tarball, root, '--site', goodSite(tmp.dir), '--credentials', credentialsFile(tmp.dir));
    expect(r.code, r.stderr).toBe(0);

    // The release behind `current`, reached through /usr/local/bin/elevgw as the unit calls it.
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${VERSION}`);
    expect(readlinkSync(R('usr/local/bin/elevgw'))).toBe('../../../opt/elevgw/current/bin/elevgw');
    expect(realpathSync(R('usr/local/bin/elevgw'))).toBe(realpathSync(R(`opt/elevgw/releases/${VERSION}/bin/elevgw`)));
    const version = spawnSync(R('usr/local/bin/elevgw'), ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim(), version.stderr).toBe(VERSION);
    expect(spawnSync('sha256sum', ['-c', '--strict', '--quiet', 'MANIFEST.sha256'], { cwd: R(`opt/elevgw/releases/${VERSION}`) }).status).toBe(0);

    // Files and modes.
    expect(mode(R('etc/elevgw'))).toBe('0750');
    expect(mode(R('var/lib/elevgw'))).toBe('0750');
    expect(mode(R('etc/elevgw/site.yaml'))).toBe('0640');
    expect(readFileSync(R('etc/elevgw/site.yaml'), 'utf8')).toBe(readFileSync(join(tmp.dir, 'site.yaml'), 'utf8'));
    expect(mode(R('etc/elevgw/credentials'))).toBe('0600');
    expect(readFileSync(R('etc/elevgw/credentials'), 'utf8')).toBe('broker-password=Zq8-real-secret\n');
    expect(readFileSync(R('etc/elevgw/site.yaml'), 'utf8')).not.toContain('Zq8-real-secret');
    for (const [installed, shipped] of [
      ['etc/systemd/system/elevgw.service', 'scripts/elevgw.service'],
      ['etc/udev/rules.d/99-elevgw-rs485.rules', 'scripts/udev/99-elevgw-rs485.rules'],
      ['etc/systemd/journald.conf.d/50-elevgw.conf', 'scripts/journald/elevgw.conf'],
    ] as const) {
      expect(readFileSync(R(installed), 'utf8'), installed).toBe(repoFile(shipped));
      expect(mode(R(installed)), installed).toBe('0644');
    }

    // The unit and the tree agree: its state directory, credential and command are what was installed.
    const unit = readFileSync(R('etc/systemd/system/elevgw.service'), 'utf8');
    expect(unit).toMatch(/^StateDirectory=elevgw$/m);
    expect(unit).toMatch(/^StateDirectoryMode=0750$/m);
    expect(unit).toMatch(/^LoadCredential=credentials:\/etc\/elevgw\/credentials$/m);
    expect(unit).toMatch(/^ExecStart=\/usr\/local\/bin\/elevgw run --config \/etc\/elevgw\/site\.yaml$/m);

    // Owners and calls, as a live system would get them, in this order.
    const log = calls(root);
    for (const owner of [
      'chown root:elevgw /etc/elevgw',
      'chown elevgw:elevgw /var/lib/elevgw',
      'chown root:elevgw /etc/elevgw/site.yaml',
      'chown root:root /etc/elevgw/credentials',
      'chown root:root /etc/systemd/system/elevgw.service',
    ]) {
      expect(log).toContain(owner);
    }
    expect(log).toContain('chmod 0600 /etc/elevgw/credentials');
    const order = [
      'groupadd --system gpio',
      'useradd --system --user-group --home-dir /var/lib/elevgw --no-create-home --shell /usr/sbin/nologin --groups dialout,gpio elevgw',
      'systemctl daemon-reload',
      'udevadm control --reload-rules',
      'udevadm trigger --subsystem-match=tty --action=add',
      'systemctl restart systemd-journald.service',
      'timedatectl set-timezone Asia/Shanghai',
      'systemctl enable elevgw.service',
      'systemctl restart elevgw.service',
    ];
    const positions = order.map((c) => log.indexOf(c));
    expect(
      positions.every((p) => p >= 0),
      `missing: ${order.filter((_, i) => positions[i]! < 0).join(' | ')}`,
    ).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(log.filter((l) => l.startsWith('systemctl restart elevgw'))).toHaveLength(1);
  });

  it('systemd-analyze verify accepts the installed unit, and would report a broken one', () => {
    const ok = verifyUnit(root);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toBe('');
    const broken = join(tmp.dir, 'broken');
    install(tarball, broken); // no --site: the files, nothing started
    writeFileSync(join(broken, 'etc/systemd/system/elevgw.service'), readFileSync(R('etc/systemd/system/elevgw.service'), 'utf8').replace('ProtectClock=yes', 'ProtectClok=yes'));
    expect(verifyUnit(broken).stderr).toMatch(/Unknown key 'ProtectClok'/);
  });

  it('installing the same release again changes nothing and restarts nothing', () => {
    const watched = [
      'opt/elevgw/current',
      'usr/local/bin/elevgw',
      'etc/elevgw/site.yaml',
      'etc/elevgw/credentials',
      'etc/systemd/system/elevgw.service',
      'etc/udev/rules.d/99-elevgw-rs485.rules',
      `opt/elevgw/releases/${VERSION}/bin/elevgw`,
    ];
    const before = watched.map((p) => ({ p, ino: lstatSync(R(p)).ino, mtime: lstatSync(R(p)).mtimeMs }));
    const logBefore = calls(root);

    const r = install(tarball, root, '--site', goodSite(tmp.dir), '--credentials', credentialsFile(tmp.dir));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nothing changed, nothing restarted/);
    expect(calls(root)).toEqual(logBefore);
    expect(watched.map((p) => ({ p, ino: lstatSync(R(p)).ino, mtime: lstatSync(R(p)).mtimeMs }))).toEqual(before);
  });

  it('a changed site config is installed and the service restarted, not enabled again', () => {
    const logBefore = calls(root);
    const r = install(tarball, root, '--site', goodSite(tmp.dir, 'Jianghan Building 12, east'));
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(R('etc/elevgw/site.yaml'), 'utf8')).toContain('Jianghan Building 12, east');
    expect(calls(root).slice(logBefore.length)).toEqual(['chmod 0640 /etc/elevgw/site.yaml', 'chown root:elevgw /etc/elevgw/site.yaml', 'systemctl restart elevgw.service']);
  });

  it('refuses a placeholder config with every problem and its fix; a fresh gateway gets nothing enabled', () => {
    const fresh = join(tmp.dir, 'fresh');
    const example = join(REPO, 'config', 'site.example.yaml');
    const r = install(tarball, fresh, '--site', example);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refused: the site config .*site\.example\.yaml fails `elevgw config validate --strict`/);
    expect(r.stderr).toMatch(/site\.example\.yaml:\d+:\d+ gateway\.id: "jh-gw-0001" is the id of a shipped example config — fix: /);
    expect(r.stderr).toMatch(/site\.example\.yaml:\d+:\d+ uplink\.password: "change-me" is a placeholder — fix: /);
    expect(calls(fresh).filter((c) => c.startsWith('systemctl') || c.startsWith('udevadm') || c.startsWith('timedatectl'))).toEqual([]);
    for (const p of ['etc/systemd/system/elevgw.service', 'etc/elevgw/site.yaml', 'opt/elevgw/current', `opt/elevgw/releases/${VERSION}`, 'usr/local/bin/elevgw']) {
      expect(existsSync(join(fresh, p)), p).toBe(false);
    }
  });

  it('refuses a placeholder config on a running gateway and leaves it as it was', () => {
    const logBefore = calls(root);
    const siteBefore = statSync(R('etc/elevgw/site.yaml'));
    const r = install(tarball, root, '--site', join(REPO, 'config', 'site.example.yaml'));
    expect(r.code).toBe(1);
    expect(calls(root)).toEqual(logBefore);
    expect(statSync(R('etc/elevgw/site.yaml')).ino).toBe(siteBefore.ino);
    expect(readFileSync(R('etc/elevgw/site.yaml'), 'utf8')).toContain('Jianghan Building 12, east');
  });

  it('refuses a tarball its .sha256 does not match, before touching anything', () => {
    const dir = join(tmp.dir, 'damaged');
    const copy = join(tmp.dir, `elevgw-${VERSION}-linux-x64.tar.gz`);
    spawnSync('cp', [tarball, copy]);
    writeFileSync(`${copy}.sha256`, `${'0'.repeat(64)}  elevgw-${VERSION}-linux-x64.tar.gz\n`);
    const r = install(copy, dir, '--site', goodSite(tmp.dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is damaged: its sha256 is [0-9a-f]{64}/);
    expect(existsSync(dir) ? calls(dir) : []).toEqual([]);
  });
});

describe('uninstall', () => {
  it('`elevgw uninstall` removes the software and keeps the config and the outbox; --purge removes those too', () => {
    writeFileSync(R('var/lib/elevgw/outbox.db'), 'undelivered events');
    const logBefore = calls(root).length;
    const r = spawnSync(R('usr/local/bin/elevgw'), ['uninstall', '--root', root], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const gone of [
      'opt/elevgw',
      'usr/local/bin/elevgw',
      'etc/systemd/system/elevgw.service',
      'etc/udev/rules.d/99-elevgw-rs485.rules',
      'etc/systemd/journald.conf.d/50-elevgw.conf',
    ]) {
      expect(existsSync(R(gone)), gone).toBe(false);
    }
    expect(readFileSync(R('var/lib/elevgw/outbox.db'), 'utf8')).toBe('undelivered events');
    expect(readFileSync(R('etc/elevgw/credentials'), 'utf8')).toBe('broker-password=Zq8-real-secret\n');
    expect(existsSync(R('etc/elevgw/site.yaml'))).toBe(true);
    expect(calls(root).slice(logBefore)).toEqual([
      'systemctl disable --now elevgw.service',
      'systemctl daemon-reload',
      'udevadm control --reload-rules',
      'systemctl restart systemd-journald.service',
    ]);

    const purge = uninstall(root, '--purge');
    expect(purge.code, purge.stderr).toBe(0);
    expect(existsSync(R('etc/elevgw'))).toBe(false);
    expect(existsSync(R('var/lib/elevgw'))).toBe(false);
    expect(calls(root).at(-1)).toBe('userdel elevgw');
  });
});
