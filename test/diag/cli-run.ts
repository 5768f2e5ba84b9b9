import { spawn } from 'node:child_process';
import { CLI } from '../helpers/child-gateway.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `elevgw …` as a child process without blocking this process's event loop, so simulators and
 * slaves the test runs in-process keep answering meanwhile (spawnSync would freeze them).
 */
export function elevgw(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LANG: 'C.UTF-8', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.once('error', reject);
    p.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
