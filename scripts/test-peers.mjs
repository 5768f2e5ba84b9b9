#!/usr/bin/env node
// The first step of `npm test`: the real programs the tests run against (a broker, pty pairs,
// Modbus peers we did not write …) must be on the machine. Missing ones are installed when we
// can (root with apt-get), otherwise we stop at once with one line that says what to install.
// No test is ever skipped because its peer is missing: that is why this check exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

/**
 * Debian package → how to tell it is installed: a program on one of these paths (`bin`), a
 * Python module for /usr/bin/python3 (`python`), or a file (`file`, for libraries).
 */
export const PEERS = [
  { pkg: 'mosquitto', bin: 'mosquitto', why: 'MQTT broker for interop, TLS, ACL and outage tests' },
  { pkg: 'mosquitto-clients', bin: 'mosquitto_sub', why: 'a subscriber we did not write' },
  { pkg: 'socat', bin: 'socat', why: 'pty pairs for serial tests' },
  { pkg: 'mbpoll', bin: 'mbpoll', why: 'a Modbus master we did not write' },
  { pkg: 'python3-pymodbus', python: 'pymodbus', why: 'a Modbus RTU slave we did not write' },
  { pkg: 'python3-serial', python: 'serial', why: 'pymodbus serial transport' },
  { pkg: 'python3-serial-asyncio', python: 'serial_asyncio', why: 'pymodbus serial transport' },
  { pkg: 'strace', bin: 'strace', why: 'counting and delaying the outbox fsyncs' },
  { pkg: 'openssl', bin: 'openssl', why: 'test certificates for TLS; checks the key and CSR of elevgw init' },
  { pkg: 'tmux', bin: 'tmux', why: 'a real terminal for the interactive elevgw init test' },
  { pkg: 'util-linux', bin: 'mount', why: 'a small tmpfs for the full-disk test' },
  // Release builds (scripts/release) and their tests (test/release): cross-compiled native
  // modules, arm releases run under qemu-user, the x64 one in a network namespace with only lo.
  { pkg: 'g++', bin: 'g++', why: 'native modules of the x64 release' },
  { pkg: 'make', bin: 'make', why: 'node-gyp builds' },
  { pkg: 'g++-aarch64-linux-gnu', bin: 'aarch64-linux-gnu-g++', why: 'native modules of the arm64 release' },
  { pkg: 'g++-arm-linux-gnueabihf', bin: 'arm-linux-gnueabihf-g++', why: 'native modules of the armv7l release' },
  { pkg: 'binutils-aarch64-linux-gnu', bin: 'aarch64-linux-gnu-ar', why: 'arm64 cross toolchain' },
  { pkg: 'binutils-arm-linux-gnueabihf', bin: 'arm-linux-gnueabihf-ar', why: 'armv7l cross toolchain' },
  { pkg: 'binutils', bin: 'readelf', why: 'checks the CPU and glibc needs of release binaries' },
  { pkg: 'libc6-arm64-cross', file: '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1', why: 'arm64 libc for qemu-aarch64' },
  { pkg: 'libstdc++6-arm64-cross', file: '/usr/aarch64-linux-gnu/lib/libstdc++.so.6', why: 'arm64 libstdc++ for qemu-aarch64' },
  { pkg: 'libc6-armhf-cross', file: '/usr/arm-linux-gnueabihf/lib/ld-linux-armhf.so.3', why: 'armhf libc for qemu-arm' },
  { pkg: 'libstdc++6-armhf-cross', file: '/usr/arm-linux-gnueabihf/lib/libstdc++.so.6', why: 'armhf libstdc++ for qemu-arm' },
  { pkg: 'qemu-user-static', bin: 'qemu-aarch64-static', why: 'runs the arm64 and armv7l releases here' },
  { pkg: 'iproute2', bin: 'ip', why: "brings up lo in the release test's network namespace" },
  // The reference platform (test/platform): a real PostgreSQL (run as its own user: it refuses root) and a real browser.
  { pkg: 'postgresql', file: '/usr/lib/postgresql/15/bin/postgres', why: 'the platform store on PostgreSQL (initdb and postgres on a temp directory)' },
  { pkg: 'chromium', bin: 'chromium', why: 'the duty-desk page in headless Chromium (playwright-core drives it)' },
  // The installer's tests (test/install): the unit as systemd reads it, the udev rules as udev does.
  { pkg: 'systemd', bin: 'systemd-analyze', why: 'systemd-analyze verify and security on the installed unit' },
  { pkg: 'udev', bin: 'udevadm', why: 'udevadm test parses the RS-485 adapter rules' },
  { pkg: 'shellcheck', bin: 'shellcheck', why: 'lints the installer scripts' },
];

const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const PYTHON = '/usr/bin/python3';

function hasBin(name) {
  for (const d of BIN_DIRS) {
    try {
      accessSync(`${d}/${name}`, constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function pythonHas(modules) {
  if (modules.length === 0) return new Set();
  // One interpreter start for all modules; prints the ones that import.
  const code = `import importlib\nfor m in ${JSON.stringify(modules)}:\n  try:\n    importlib.import_module(m); print(m)\n  except Exception: pass\n`;
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', timeout: 20_000 });
  return new Set(r.status === 0 ? r.stdout.split('\n').filter(Boolean) : []);
}

export function missingPeers(peers = PEERS) {
  const imported = pythonHas(peers.filter((p) => p.python).map((p) => p.python));
  return peers.filter((p) => (p.bin ? !hasBin(p.bin) : p.file ? !existsSync(p.file) : !imported.has(p.python)));
}

function canInstall() {
  return process.getuid?.() === 0 && hasBin('apt-get') && process.env.ELEVGW_NO_INSTALL !== '1';
}

function install(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
  console.log(`test peers: installing ${pkgs.join(' ')} (apt-get)`);
  try {
    apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  } catch {
    // A fresh machine has no package lists yet.
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
  }
}

function main() {
  let missing = missingPeers();
  if (missing.length === 0) return 0;
  const pkgs = [...new Set(missing.map((p) => p.pkg))];
  if (!canInstall()) {
    console.error(`elevgw tests need Debian packages that are missing: ${pkgs.join(' ')} — install them with: sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
    return 1;
  }
  try {
    install(pkgs);
  } catch (e) {
    console.error(`test peers: apt-get could not install ${pkgs.join(' ')}: ${e instanceof Error ? e.message : e}`);
    return 1;
  }
  missing = missingPeers();
  if (missing.length > 0) {
    console.error(`test peers: still missing after install: ${missing.map((p) => `${p.pkg} (${p.bin ?? p.file ?? `python module ${p.python}`})`).join(', ')}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main());
