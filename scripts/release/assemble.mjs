// The release's directory tree (docs/release.md describes it for the installer):
//   bin/elevgw                  launcher (launcher.sh)
//   node/bin/node, node/LICENSE the bundled runtime
//   app/                        package.json, package-lock.json, dist/, node_modules/
//   app/boards, app/config, app/docs -> ../boards, ../config, ../docs
//   boards/ config/ docs/ scripts/ README.md
// The app finds its package root as the directory holding package.json and boards/
// (src/config/load.ts packageRoot()), hence the three relative links inside app/.
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** Build tooling that stays out of a release's scripts/. */
const NOT_SHIPPED_SCRIPTS = new Set(['release', 'test-peers.mjs', 'mutation-summary.mjs']);
/** Links inside app/ (name → target), relative so the tree can live anywhere. */
export const APP_LINKS = { boards: '../boards', config: '../config', docs: '../docs' };

/** Creates app/ with what `npm ci` needs, before node_modules is installed into it. */
export function prepareApp(snap, top) {
  mkdirSync(join(top, 'app'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(snap, f), join(top, 'app', f));
}

/** Everything but app/dist, app/node_modules and the metadata files. */
export function assemble(snap, top, nodeDir) {
  mkdirSync(join(top, 'bin'), { recursive: true });
  copyFileSync(join(snap, 'scripts', 'release', 'launcher.sh'), join(top, 'bin', 'elevgw'));
  chmodSync(join(top, 'bin', 'elevgw'), 0o755);

  mkdirSync(join(top, 'node', 'bin'), { recursive: true });
  copyFileSync(join(nodeDir, 'bin', 'node'), join(top, 'node', 'bin', 'node'));
  chmodSync(join(top, 'node', 'bin', 'node'), 0o755);
  copyFileSync(join(nodeDir, 'LICENSE'), join(top, 'node', 'LICENSE'));

  for (const d of ['boards', 'config', 'docs']) cpSync(join(snap, d), join(top, d), { recursive: true });
  mkdirSync(join(top, 'scripts'), { recursive: true });
  for (const e of readdirSync(join(snap, 'scripts'))) {
    if (!NOT_SHIPPED_SCRIPTS.has(e)) cpSync(join(snap, 'scripts', e), join(top, 'scripts', e), { recursive: true });
  }
  for (const f of ['README.md', 'LICENSE']) if (existsSync(join(snap, f))) copyFileSync(join(snap, f), join(top, f));
  for (const [name, target] of Object.entries(APP_LINKS)) symlinkSync(target, join(top, 'app', name));
}
