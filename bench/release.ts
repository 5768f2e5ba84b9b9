import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/config/load.js';
import { VERSION } from '../src/runtime/version.js';

const TARGETS = ['linux-arm64', 'linux-armv7l', 'linux-x64'];
const MB = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

/**
 * Size of each target's release (what an installer copies per gateway, what the SD card holds
 * per kept release), read from the tarballs in release/. Cheap: a release that is not built is
 * reported as such, never built here (that takes minutes: `npm run release`).
 */
export async function benchRelease(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const target of TARGETS) {
    const tarball = join(packageRoot(), 'release', `elevgw-${VERSION}-${target}.tar.gz`);
    if (!existsSync(tarball)) {
      out[`release ${target}`] = `not built (npm run release -- --target ${target})`;
      continue;
    }
    const list = spawnSync('tar', ['-tvzf', tarball], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (list.status !== 0) throw new Error(`tar -tvzf ${tarball}: ${list.stderr}`);
    // GNU tar's verbose listing: mode owner/group size date time name
    const entries = list.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/\s+/));
    const size = (pred: (name: string) => boolean) => entries.filter((e) => pred(e[5] ?? '')).reduce((n, e) => n + Number(e[2]), 0);
    out[`release ${target}: tarball (MB)`] = MB(statSync(tarball).size);
    out[`release ${target}: unpacked (MB)`] = MB(size(() => true));
    out[`release ${target}: of which node/bin/node (MB)`] = MB(size((n) => n.endsWith('/node/bin/node')));
    out[`release ${target}: of which app/node_modules (MB)`] = MB(size((n) => n.includes('/app/node_modules/')));
  }
  return out;
}
