import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/built.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * What the shipped systemd unit, udev rules and journald drop-in say, read the way systemd and
 * udev read them (systemd-analyze, udevadm), without installing anything on this machine. The
 * installed copies are checked in install.test.ts.
 */

const tmp = tempDir('elevgw-unit-');
afterAll(() => tmp.cleanup());

/** A unit or conf file's `Key=value` lines: each key with all its values, in order. */
function settings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

const unit = settings(readFileSync(join(REPO, 'scripts/elevgw.service'), 'utf8'));

describe('scripts/elevgw.service', () => {
  it('runs the installed launcher as the unprivileged elevgw user, after finishing an interrupted upgrade as root and validating strictly', () => {
    // "+": with full privileges (it moves /opt/elevgw/current); "-": its failure never keeps the gateway down.
    expect(unit.get('ExecStartPre')).toEqual([
      '+-/usr/local/bin/elevgw upgrade --recover --service-starting',
      '/usr/local/bin/elevgw config validate /etc/elevgw/site.yaml --strict',
    ]);
    expect(unit.get('ExecStart')).toEqual(['/usr/local/bin/elevgw run --config /etc/elevgw/site.yaml']);
    expect(unit.get('User')).toEqual(['elevgw']);
    expect(unit.get('SupplementaryGroups')).toEqual(['dialout gpio']);
    expect(unit.get('Type')).toEqual(['notify']);
    expect(unit.get('WatchdogSec')).toEqual(['60']);
  });

  it('is hardened: no capabilities, a system-call filter, protected kernel and devices limited to serial and GPIO', () => {
    const want: Record<string, string[]> = {
      CapabilityBoundingSet: [''],
      AmbientCapabilities: [''],
      NoNewPrivileges: ['yes'],
      RestrictAddressFamilies: ['AF_UNIX AF_INET AF_INET6 AF_NETLINK'],
      SystemCallFilter: ['@system-service'],
      SystemCallArchitectures: ['native'],
      ProtectSystem: ['strict'],
      ProtectKernelTunables: ['yes'],
      ProtectKernelModules: ['yes'],
      ProtectKernelLogs: ['yes'],
      ProtectControlGroups: ['yes'],
      ProtectClock: ['yes'],
      ProtectHostname: ['yes'],
      RestrictNamespaces: ['yes'],
      LockPersonality: ['yes'],
      DevicePolicy: ['closed'],
      DeviceAllow: ['char-ttyUSB rw', 'char-ttyACM rw', 'char-ttyAMA rw', 'char-ttyS rw', 'char-gpiochip rw'],
      StateDirectory: ['elevgw'],
      StateDirectoryMode: ['0750'],
      RuntimeDirectory: ['elevgw'],
      RuntimeDirectoryMode: ['0750'],
      LoadCredential: ['credentials:/etc/elevgw/credentials'],
    };
    for (const [k, v] of Object.entries(want)) expect(unit.get(k), k).toEqual(v);
    // V8's JIT needs writable-then-executable memory: this setting would stop Node at start.
    expect(unit.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('has an overall exposure of at most 2.5 by systemd-analyze security (offline)', () => {
    const root = join(tmp.dir, 'security');
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    writeFileSync(join(root, 'etc/systemd/system/elevgw.service'), readFileSync(join(REPO, 'scripts/elevgw.service')));
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', `--root=${root}`, '/etc/systemd/system/elevgw.service'], { encoding: 'utf8' });
    const level = /Overall exposure level for elevgw\.service: (\d+\.\d)/.exec(r.stdout);
    expect(level, r.stdout + r.stderr).not.toBeNull();
    expect(Number(level![1])).toBeLessThanOrEqual(2.5);
  });
});

describe('scripts/udev/99-elevgw-rs485.rules', () => {
  const rules = readFileSync(join(REPO, 'scripts/udev/99-elevgw-rs485.rules'), 'utf8');

  it('covers FTDI, CH340/CH9102, CP210x and PL2303 adapters and names them by serial number', () => {
    for (const [vendor, products] of [
      ['0403', ['6001', '6010', '6011', '6014', '6015']],
      ['1a86', ['7523', '55d4']],
      ['10c4', ['ea60']],
      ['067b', ['2303', '23a3']],
    ] as const) {
      const line = rules.split('\n').find((l) => l.includes(`ATTRS{idVendor}=="${vendor}"`));
      expect(line, vendor).toBeDefined();
      for (const p of products) expect(line, `${vendor}:${p}`).toMatch(new RegExp(`idProduct}=="[^"]*\\b${p}\\b`));
    }
    expect(rules).toContain('SYMLINK+="elevgw-rs485-$env{ID_SERIAL_SHORT}"');
    expect(rules).toMatch(/^SYMLINK\+="elevgw-rs485"$/m);
    expect(rules).toContain('GROUP="dialout", MODE="0660"');
  });

  it('parses without a complaint from udev (udevadm test, in a private mount namespace)', () => {
    const run = (file: string) =>
      spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs none /etc/udev/rules.d && cp "$1" /etc/udev/rules.d/ && udevadm test --action=add /sys/class/tty/tty', 'sh', file], {
        encoding: 'utf8',
      });
    const ours = run(join(REPO, 'scripts/udev/99-elevgw-rs485.rules'));
    expect(ours.stderr + ours.stdout).toContain('Reading rules file: /etc/udev/rules.d/99-elevgw-rs485.rules');
    expect((ours.stderr + ours.stdout).split('\n').filter((l) => l.includes('99-elevgw-rs485.rules:'))).toEqual([]);
    // The same check sees a broken rule.
    const bad = join(tmp.dir, '99-elevgw-rs485.rules');
    writeFileSync(bad, rules.replace('GROUP="dialout"', 'GROUP="dialout" MODE'));
    const broken = run(bad);
    expect((broken.stderr + broken.stdout).split('\n').filter((l) => l.includes('99-elevgw-rs485.rules:'))).not.toEqual([]);
  });
});

describe('the installer scripts', () => {
  it('pass shellcheck', () => {
    const r = spawnSync('shellcheck', ['-x', 'scripts/install.sh', 'scripts/uninstall.sh', 'scripts/install-lib.sh'], { cwd: REPO, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('scripts/journald/elevgw.conf', () => {
  it('caps the persistent journal for an SD card', () => {
    const j = settings(readFileSync(join(REPO, 'scripts/journald/elevgw.conf'), 'utf8'));
    expect(j.get('Storage')).toEqual(['persistent']);
    expect(j.get('SystemMaxUse')).toEqual(['64M']);
    expect(j.get('RuntimeMaxUse')).toEqual(['16M']);
  });
});
