import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * A slow SD card for a running process: strace attaches to every thread of `pid` and delays each
 * fsync and fdatasync by `delayMs` on entry. Resolves once strace has attached; `syncs()` counts
 * the calls it saw (proof the delay was in force). strace exits when the process dies.
 */
export async function slowDisk(pid: number, delayMs: number, log: string): Promise<{ syncs: () => number; exited: Promise<void> }> {
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
    exited,
  };
}
