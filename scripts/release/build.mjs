#!/usr/bin/env node
// `npm run release -- --target linux-arm64|linux-armv7l|linux-x64 [--target …] [--force]`
// Writes release/elevgw-<version>-<target>.tar.gz and its .sha256: a self-contained, offline
// release (docs/release.md). A release whose inputs (the git tree hash of the files it is made
// from, see snapshot.mjs) have not changed since the last build is kept as it is, unless --force.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TARGETS, targetByName } from './targets.mjs';
import { freeze } from './snapshot.mjs';
import { compileApp } from './compile-app.mjs';
import { nodePackage } from './node-runtime.mjs';
import { installModules, nativePackages } from './native-modules.mjs';
import { assemble, prepareApp } from './assemble.mjs';
import { checkBinaries } from './check-binaries.mjs';
import { pruneModules } from './prune-modules.mjs';
import { stripSources } from './strip-sources.mjs';
import { writeManifest, writeReleaseJson } from './manifest.mjs';
import { hashFile, pack, releaseName, tarballPath } from './pack.mjs';
import { withLock } from './lock.mjs';
import { setLog } from './run.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RELEASE_DIR = join(REPO, 'release');
const CACHE_DIR = join(RELEASE_DIR, '.cache');
const BUILD_DIR = join(RELEASE_DIR, '.build');
const INSTALLERS = ['install.sh', 'install-lib.sh', 'uninstall.sh'];

/** @param {import('./targets.mjs').Target} target @param {boolean} force */
async function buildTarget(target, force) {
  const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
  const name = releaseName(version, target.name);
  const tarball = tarballPath(RELEASE_DIR, version, target.name);
  const work = join(BUILD_DIR, `${target.name}-${process.pid}`);
  const logFile = join(BUILD_DIR, `${target.name}.log`);
  const started = Date.now();
  const step = (what) => console.log(`[${target.name} ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${what}`);

  await withLock(
    join(BUILD_DIR, `${target.name}.lock`),
    async () => {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      setLog(join(work, 'log')); // the last build's log is kept unless this one builds
      try {
        const source = freeze(REPO, work);
        const stamp = join(CACHE_DIR, `${target.name}.json`);
        if (!force && (await fresh(stamp, tarball, source.tree))) {
          step(`up to date (inputs ${source.tree.slice(0, 12)}): ${tarball}`);
          placeInstallers(source.tree);
          return;
        }
        writeFileSync(logFile, '');
        setLog(logFile);
        step(`building ${name} from ${source.commit.slice(0, 12)}${source.dirty ? ' + uncommitted changes' : ''} (log: ${logFile})`);
        const snap = join(work, 'src');
        source.exportTo(snap);
        source.release();
        const top = join(work, 'stage', name);
        const nodeDir = nodePackage(target, CACHE_DIR);
        step(`node ${target.nodeVersion} (${target.nodePackage})`);
        const appCached = await compileApp(REPO, snap, source.tree, CACHE_DIR, join(top, 'app', 'dist'));
        step(appCached ? "app compiled (by another target's build of these inputs)" : 'app compiled');
        prepareApp(snap, top);
        const natives = nativePackages(join(snap, 'package-lock.json'));
        const modules = installModules(join(top, 'app'), target, nodeDir, CACHE_DIR);
        step(
          `node_modules ${modules.cached ? 'from cache' : 'installed'}; native: ${modules.built.join(', ')}${modules.failed.length ? `; optional, did not build: ${modules.failed.join(', ')}` : ''}${modules.isolated ? '' : ' (network not isolated)'}`,
        );
        assemble(snap, top, nodeDir);
        const stripped = stripSources(join(top, 'app'));
        step(
          `comments stripped from ${stripped.files} JavaScript files: ${(stripped.bytesBefore / 1e6).toFixed(1)} → ${(stripped.bytesAfter / 1e6).toFixed(1)} MB${stripped.kept.length ? `; kept as they are (not parsed): ${stripped.kept.join('; ')}` : ''}`,
        );
        const pruned = pruneModules(join(top, 'app'));
        step(`cut from the module graph: ${pruned.map((p) => `${p.file} (kept ${p.kept.join(', ')}; ${p.dropped} left out)`).join('; ')}`);
        const binaries = checkBinaries(
          top,
          target,
          natives.filter((n) => !n.optional).map((n) => n.name),
        );
        writeReleaseJson(top, {
          name: 'elevgw',
          version,
          target: target.name,
          node: { version: target.nodeVersion, package: `${target.nodePackage}@${target.nodeVersion}` },
          git: { commit: source.commit, tree: source.tree, dirty: source.dirty },
          builtAt: new Date().toISOString(),
          nativeModules: binaries.modules,
          optionalNotBuilt: modules.failed,
          requires: { glibc: binaries.glibc, glibcxx: binaries.glibcxx },
          builtOffline: modules.isolated,
          // The outbox schema version this app migrates a database to: `elevgw upgrade` backs the
          // outbox up before a release with a newer one first runs (src/install/outbox-backup.ts).
          outboxSchema: (await import(pathToFileURL(join(top, 'app/dist/src/outbox/sqlite-schema.js')).href)).SCHEMA_VERSION,
        });
        const files = writeManifest(top);
        step(`${files} files in the manifest; needs glibc ${binaries.glibc}${binaries.glibcxx ? `, libstdc++ GLIBCXX_${binaries.glibcxx}` : ''}`);
        mkdirSync(RELEASE_DIR, { recursive: true });
        const { sha256, bytes } = await pack(top, tarball, source.commitTime);
        writeFileSync(stamp, JSON.stringify({ tree: source.tree, sha256 }));
        placeInstallers(source.tree);
        step(`${tarball} (${(bytes / 1e6).toFixed(1)} MB, sha256 ${sha256.slice(0, 16)}…)`);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    () => step('another build of this target is running: waiting for it'),
  );
}

/**
 * The installer beside the tarballs (release/install.sh, install-lib.sh, uninstall.sh), so what an
 * installer carries to a site is one folder. Taken from the frozen inputs the tarball was built from
 * (the same files as its scripts/), never from a working tree someone may be editing.
 */
function placeInstallers(tree) {
  for (const name of INSTALLERS) {
    const dest = join(RELEASE_DIR, name);
    const blob = spawnSync('git', ['cat-file', 'blob', `${tree}:scripts/${name}`], { cwd: REPO });
    if (blob.status !== 0) throw new Error(`scripts/${name} is not in the inputs ${tree}: ${blob.stderr}`);
    writeFileSync(`${dest}.tmp`, blob.stdout);
    chmodSync(`${dest}.tmp`, 0o755);
    renameSync(`${dest}.tmp`, dest);
  }
}

/** The last build of this target was made from these inputs, and its tarball is still that build. */
async function fresh(stamp, tarball, tree) {
  if (!existsSync(stamp) || !existsSync(tarball)) return false;
  const last = JSON.parse(readFileSync(stamp, 'utf8'));
  return last.tree === tree && last.sha256 === (await hashFile(tarball));
}

function parseArgs(argv) {
  const targets = [];
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') force = true;
    else if (a === '--target') targets.push(...String(argv[++i] ?? '').split(','));
    else if (a.startsWith('--target=')) targets.push(...a.slice('--target='.length).split(','));
    else throw new Error(`unknown argument ${a}; usage: npm run release -- --target ${Object.keys(TARGETS).join('|')} [--target …] [--force]`);
  }
  if (targets.length === 0) targets.push(undefined);
  return { targets: targets.map((t) => targetByName(t)), force };
}

try {
  const { targets, force } = parseArgs(process.argv.slice(2));
  for (const t of targets) await buildTarget(t, force);
} catch (e) {
  console.error(`release: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
