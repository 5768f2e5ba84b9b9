import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A slow SD card for a running process: strace attaches to every thread of `pid` and delays each
 * fsync and fdatasync by `delayMs` on entry. Resolves once strace has attached; `syncs()` counts
 * the calls it saw (proof the delay was in force), `inProgress()` those entered and not yet
 * returned (strace writes a call's entry to the log when it starts, its result when it returns).
 * strace exits when the process dies.
 */
export async function slowDisk(pid: number, delayMs: number, log: string): Promise<{ syncs: () => number; inProgress: () => number; exited: Promise<void> }> {
  const us = String(Math.round(delayMs * 1000));
  const tracer = spawn(
    'strace',
    ['-f', '-p', String(pid), '-o', log, '-e', 'trace=fsync,fdatasync', '-e', `inject=fsync:delay_enter=${us}`, '-e', `inject=fdatasync:delay_enter=${us}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => tracer.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    tracer.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('attached')) resolve();
    });
    tracer.once('exit', (code) => reject(new Error(`strace exited (${code}) before attaching: ${err}`)));
  });
  return {
    syncs: () => readFileSync(log, 'utf8').match(/\b(fsync|fdatasync)\(/g)?.length ?? 0,
    // Only these two calls are traced: every result line (`) = 0`, resumed or not) ends one.
    inProgress: () => {
      const text = readFileSync(log, 'utf8');
      return (text.match(/\b(fsync|fdatasync)\(/g)?.length ?? 0) - (text.match(/\)\s+= /g)?.length ?? 0);
    },
    exited,
  };
}
