import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A virtual null-modem cable: two linked pseudo-terminals made by `socat` (Debian package), with
 * stable symlinks `dir/a` and `dir/b`. The simulator (or a pymodbus slave) opens one end as if it
 * were a serial port, the gateway the other. Baud rates are accepted but ptys move bytes at once.
 */
export interface PtyPair {
  readonly a: string;
  readonly b: string;
  readonly pid: number;
  /** Ends socat: SIGTERM removes the links; SIGKILL (a yanked cable) leaves them dangling. */
  close(signal?: NodeJS.Signals): Promise<void>;
}

export async function startPtyPair(dir: string, names: [string, string] = ['a', 'b']): Promise<PtyPair> {
  const a = join(dir, names[0]);
  const b = join(dir, names[1]);
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  await ready(proc);
  return {
    a,
    b,
    pid: proc.pid!,
    close: (signal = 'SIGTERM') => stopProcess(proc, signal),
  };
}

/** socat says "starting data transfer loop" once both ptys and their links exist. */
function ready(proc: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) {
        proc.stderr?.off('data', onData);
        proc.stderr?.resume(); // keep draining so socat never blocks on a full pipe
        proc.off('exit', onExit);
        resolve();
      }
    };
    const onExit = (code: number | null) => reject(new Error(`socat exited (${code}) before the ptys were ready: ${log.trim()}`));
    proc.once('error', (e) => reject(new Error(`cannot run socat (Debian package "socat"): ${e.message}`)));
    proc.once('exit', onExit);
    proc.stderr?.on('data', onData);
  });
}

/** Sends `signal` to a child and resolves once it has exited. */
export function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill(signal);
  });
}
