import { execFile } from 'node:child_process';

/**
 * Runs Debian's `mbpoll` once (`-1`) and returns the values it prints as `[ref]: value` lines,
 * in reference order. Throws with mbpoll's output when it reports an error.
 */
export function mbpoll(args: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('mbpoll', [...args, '-1'], { timeout: 10_000 }, (err, stdout, stderr) => {
      const values = [...stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)].map((m) => Number(m[2]));
      if (err || values.length === 0) reject(new Error(`mbpoll ${args.join(' ')} failed: ${err?.message ?? ''}\n${stdout}\n${stderr}`));
      else resolve(values);
    });
  });
}
