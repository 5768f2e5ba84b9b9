// What a release is built from: the working tree's files under INPUTS (tracked, plus untracked
// ones git does not ignore), frozen in a private git index. The same index gives the tree hash
// that keys the release cache and, when a build is needed, the exact files it uses, so a file
// someone edits while the build runs can never end up in a release labelled with another tree.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { capture, run } from './run.mjs';

/** Everything in the repository a release is made of (or built with). */
export const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'LICENSE', 'src', 'drivers', 'boards', 'config', 'docs', 'scripts'];

/**
 * Freezes the inputs; `exportTo` writes them out, `release` drops the private index.
 * @param {string} repo  the checkout
 * @param {string} work  a directory for the private index
 */
export function freeze(repo, work) {
  if (!existsSync(join(repo, '.git'))) throw new Error(`${repo} is not a git checkout: a release is built from one`);
  mkdirSync(work, { recursive: true });
  const index = join(work, 'index');
  rmSync(index, { force: true });
  // A private index: the shared one (other people are staging in it) is never touched.
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const paths = INPUTS.filter((p) => existsSync(join(repo, p)));
  run('git', ['add', '-A', '--', ...paths], { cwd: repo, env });
  const tree = capture('git', ['write-tree'], { cwd: repo, env });
  const commit = capture('git', ['rev-parse', 'HEAD'], { cwd: repo });
  return {
    tree,
    commit,
    commitTime: Number(capture('git', ['log', '-1', '--format=%ct', commit], { cwd: repo })),
    // The inputs differ from the commit's: uncommitted edits or untracked files went in.
    dirty: capture('git', ['ls-tree', tree, '--', ...paths], { cwd: repo }) !== capture('git', ['ls-tree', commit, '--', ...paths], { cwd: repo }),
    /** @param {string} dest an empty directory */
    exportTo(dest) {
      mkdirSync(dest, { recursive: true });
      run('git', ['checkout-index', '-a', `--prefix=${dest}/`], { cwd: repo, env });
    },
    release() {
      rmSync(index, { force: true });
    },
  };
}
