// Running the build's commands: output goes to the build log (a release build is long and noisy;
// the console gets one line per step), and a failure throws with the log's tail so the reason is
// on screen without opening the file.
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

let logFile = '/dev/null';

/** Where command output goes from now on (one log per build). */
export function setLog(file) {
  logFile = file;
}

export function log(line) {
  appendFileSync(logFile, `${line}\n`);
}

/**
 * Runs a command to completion, its output appended to the build log; throws when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 */
export function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const fd = openSync(logFile, 'a');
  try {
    const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', fd, fd] });
    if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}); last lines of ${logFile}:\n${tail(logFile, 25)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs a command and returns its trimmed stdout (for short answers: git, readelf); throws when it fails.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '(no log)';
  }
}
