// The app's JavaScript: tsc over the snapshot's src/ and drivers/ into app/dist, so a release
// holds dist/src and dist/drivers exactly where `package.json` and the repo's own dist/ have
// them, and nothing of test/ or bench/. The output does not depend on the target: it is compiled
// once per input tree into release/.cache/app/ and copied, so building three targets at once on
// a 2-core machine runs tsc once, not three times.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from './lock.mjs';
import { run } from './run.mjs';

/**
 * @param {string} repo     the checkout (its node_modules has typescript and the type packages)
 * @param {string} snap     the exported inputs (see snapshot.mjs)
 * @param {string} tree     their tree hash
 * @param {string} cacheDir release/.cache
 * @param {string} outDir   where dist/ goes, e.g. <stage>/app/dist
 * @returns {Promise<boolean>} whether it came from the cache
 */
export async function compileApp(repo, snap, tree, cacheDir, outDir) {
  const cached = join(cacheDir, 'app', tree);
  // Copied under the lock too: a build of other inputs may replace the cached tree meanwhile.
  return withLock(join(cacheDir, 'app.lock'), () => {
    const hit = existsSync(cached);
    if (!hit) compile(repo, snap, cached);
    cpSync(cached, outDir, { recursive: true });
    return hit;
  });
}

/** tsc into the cache, keeping only this tree's output there (older trees are never wanted again). */
function compile(repo, snap, cached) {
  // Types (@types/node …) resolve from the snapshot's node_modules: lend it the checkout's.
  symlinkSync(join(repo, 'node_modules'), join(snap, 'node_modules'));
  const parent = join(cached, '..');
  rmSync(parent, { recursive: true, force: true });
  mkdirSync(parent, { recursive: true });
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', join(snap, 'scripts', 'release', 'tsconfig.release.json'), '--outDir', `${cached}.tmp`], { cwd: snap });
  renameSync(`${cached}.tmp`, cached);
}
