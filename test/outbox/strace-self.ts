import { spawn } from 'node:child_process';
import { closeSync, fsyncSync, openSync, readFileSync } from 'node:fs';

/**
 * The fsync and fdatasync calls this very process makes while `body` runs, each as the path of
 * the file it synced, in order: strace attached to this process (all its threads), so the outbox
 * under test is the source in this process, not a built copy in a child. `mark(path)` fsyncs a
 * file of that name: a separator in the list.
 */
export async function syncsDuring(log: string, body: (mark: (path: string) => void) => void): Promise<string[]> {
  const st = spawn('strace', ['-f', '-y', '-e', 'trace=fsync,fdatasync', '-o', log, '-p', String(process.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => st.on('exit', resolve));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    st.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/attached/.test(stderr)) resolve();
    });
    void exited.then((code) => reject(new Error(`strace exited (${code}) before attaching: ${stderr}`)));
  });
  try {
    body((path) => {
      const fd = openSync(path, 'w');
      fsyncSync(fd);
      closeSync(fd);
    });
  } finally {
    st.kill('SIGINT'); // detaches; this process goes on
    await exited;
  }
  return readFileSync(log, 'utf8')
    .split('\n')
    .flatMap((l) => {
      const m = /\b(?:fsync|fdatasync)\(\d+<([^>]*)>\)/.exec(l);
      return m ? [m[1]!] : [];
    });
}
