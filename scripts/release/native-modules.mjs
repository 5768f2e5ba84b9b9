// The app's production node_modules for a target, with its native modules compiled for that
// target against the bundled Node's headers:
//  1. `npm ci --omit=dev --ignore-scripts`: the registry is the only thing contacted, and no
//     package script runs (so no prebuilt binary is downloaded from anywhere);
//  2. `npm rebuild <pkg>` for each package with an install script, with build-from-source set,
//     inside a network namespace with no interface up (`unshare -n`): a build step that tried to
//     fetch anything would fail the build instead of quietly downloading.
// Cross targets use Debian's cross compilers; x64 uses the host compiler. The result is cached
// per lockfile + target + this file, since it does not depend on the app's own sources.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, run } from './run.mjs';

/**
 * Packages with an install script in the production tree, from the lockfile.
 * @param {string} lockFile
 * @returns {{ name: string, optional: boolean }[]}
 */
export function nativePackages(lockFile) {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
  // A package the project denies its install script (`allowScripts: false` in package.json:
  // johnny-five's old serialport bindings, never loaded) is not built for the target either.
  const pkgFile = join(lockFile, '..', 'package.json');
  const denied = existsSync(pkgFile)
    ? Object.entries(JSON.parse(readFileSync(pkgFile, 'utf8')).allowScripts ?? {})
        .filter(([, v]) => v === false)
        .map(([k]) => k)
    : [];
  return Object.entries(lock.packages ?? {})
    .filter(([path, p]) => path.startsWith('node_modules/') && p.hasInstallScript && !p.dev)
    .filter(([path]) => !denied.includes(path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)))
    .map(([path, p]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), optional: Boolean(p.optional || p.devOptional) }));
}

/**
 * Fills `appDir/node_modules` (appDir already holds package.json and package-lock.json).
 * @param {string} appDir
 * @param {import('./targets.mjs').Target} target
 * @param {string} nodeDir the unpacked node-linux-* package (headers in include/node)
 * @param {string} cacheDir release/.cache
 * @returns {{ built: string[], failed: string[], cached: boolean, isolated: boolean }}
 */
export function installModules(appDir, target, nodeDir, cacheDir) {
  const key = cacheKey(appDir, target);
  const cached = join(cacheDir, 'modules', `${target.name}-${key}`);
  if (existsSync(join(cached, 'result.json'))) {
    cpSync(join(cached, 'node_modules'), join(appDir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    return { ...JSON.parse(readFileSync(join(cached, 'result.json'), 'utf8')), cached: true };
  }
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: appDir });
  const isolated = canIsolate();
  if (!isolated) log('unshare -n is not permitted here: native modules are built with the network reachable (proxy set to a dead port)');
  const built = [];
  const failed = [];
  for (const pkg of nativePackages(join(appDir, 'package-lock.json'))) {
    try {
      rebuild(appDir, pkg.name, target, nodeDir, isolated);
      built.push(pkg.name);
    } catch (e) {
      if (!pkg.optional) throw e;
      // An optional module (GPIO's epoll) that does not build leaves its feature unavailable,
      // as on a machine where npm skipped it; the release says which.
      log(`optional ${pkg.name} did not build for ${target.name}: ${e instanceof Error ? e.message : e}`);
      failed.push(pkg.name);
    }
  }
  prune(join(appDir, 'node_modules'));
  const result = { built, failed, isolated };
  storeInCache(appDir, cached, result);
  return { ...result, cached: false };
}

function rebuild(appDir, name, target, nodeDir, isolated) {
  const env = {
    ...process.env,
    npm_config_build_from_source: 'true',
    npm_config_nodedir: nodeDir,
    npm_config_target: target.nodeVersion,
    npm_config_arch: target.gypArch,
    npm_config_target_arch: target.gypArch,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    JOBS: String(availableParallelism()),
    // Anything that still tried HTTP(S) would meet a closed port.
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    ...(target.cross ? crossEnv(target.cross) : {}),
  };
  const npm = ['npm', 'rebuild', name, '--foreground-scripts'];
  if (isolated) run('unshare', ['-n', ...npm], { cwd: appDir, env });
  else run(npm[0], npm.slice(1), { cwd: appDir, env });
}

/** gyp's make generator: *.target tools from these, host tools (none today) from *_host. */
function crossEnv(triplet) {
  return {
    CC: `${triplet}-gcc`,
    CXX: `${triplet}-g++`,
    LINK: `${triplet}-g++`,
    AR: `${triplet}-ar`,
    CC_host: 'gcc',
    CXX_host: 'g++',
    LINK_host: 'g++',
    AR_host: 'ar',
  };
}

function canIsolate() {
  return spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** Built beside a module for its package's own tests (better-sqlite3's SQLite extension), never loaded by elevgw. */
const TEST_ONLY_BINARIES = new Set(['test_extension.node']);

/** What is not needed at run time: npm's .bin links, prebuilt binaries for other platforms, compiler output other than the modules. */
function prune(modules) {
  for (const dir of packageDirs(modules)) {
    rmSync(join(dir, 'node_modules', '.bin'), { recursive: true, force: true });
    if (!existsSync(join(dir, 'binding.gyp'))) continue;
    rmSync(join(dir, 'prebuilds'), { recursive: true, force: true });
    const build = join(dir, 'build');
    if (!existsSync(build)) continue;
    const release = join(build, 'Release');
    const modulesBuilt = existsSync(release) ? readdirSync(release).filter((f) => f.endsWith('.node') && !TEST_ONLY_BINARIES.has(f)) : [];
    const keep = modulesBuilt.map((f) => [f, readFileSync(join(release, f))]);
    rmSync(build, { recursive: true, force: true });
    mkdirSync(release, { recursive: true });
    for (const [f, bytes] of keep) writeFileSync(join(release, f), bytes);
  }
  rmSync(join(modules, '.bin'), { recursive: true, force: true });
}

/** Every installed package directory (scoped ones too), nested node_modules included. */
function packageDirs(modules) {
  const out = [];
  if (!existsSync(modules)) return out;
  for (const e of readdirSync(modules, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === '.bin') continue;
    const dir = join(modules, e.name);
    if (e.name.startsWith('@')) {
      for (const s of readdirSync(dir, { withFileTypes: true })) if (s.isDirectory()) out.push(join(dir, s.name), ...packageDirs(join(dir, s.name, 'node_modules')));
    } else out.push(dir, ...packageDirs(join(dir, 'node_modules')));
  }
  return out;
}

/** The production part of the lockfile, the target and this file: a dev dependency's bump changes nothing here. */
function cacheKey(appDir, target) {
  const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8'));
  const production = Object.entries(lock.packages ?? {})
    .filter(([path, p]) => path !== '' && !p.dev)
    .map(([path, p]) => [path, p.version, p.integrity]);
  const h = createHash('sha256');
  h.update(JSON.stringify(production));
  h.update(JSON.stringify(target));
  h.update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest('hex').slice(0, 16);
}

/** Keeps one cached tree per target (the newest): an old lockfile's modules are never wanted again. */
function storeInCache(appDir, cached, result) {
  const parent = join(cached, '..');
  mkdirSync(parent, { recursive: true });
  const prefix = `${cached.slice(parent.length + 1).replace(/-[0-9a-f]{16}$/, '')}-`;
  for (const old of readdirSync(parent)) if (old.startsWith(prefix)) rmSync(join(parent, old), { recursive: true, force: true });
  const tmp = `${cached}.tmp-${process.pid}`;
  cpSync(join(appDir, 'node_modules'), join(tmp, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(tmp, 'result.json'), JSON.stringify(result));
  renameSync(tmp, cached);
}
