import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/config/load.js';
import { startEmbeddedBroker } from '../src/platform/broker.js';
import { startSimModbusTcp } from '../src/sim/host.js';
import { SCENARIOS } from '../src/sim/scenarios.js';

/** Resident memory of `elevgw run` with one simulated elevator, sampled after it settles. */
export async function benchRss(seconds = 20): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-rss-'));
  const broker = await startEmbeddedBroker();
  const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.demo!.scenario, timeScale: 1, loop: true });
  const demo = readFileSync(join(packageRoot(), 'config', 'demo.yaml'), 'utf8')
    .replace('port: 1502', `port: ${sim.port}`)
    .replace('mqtt://127.0.0.1:1883', broker.url)
    .replace('path: ../data/demo-outbox.db', `path: ${join(dir, 'outbox.db')}`);
  const config = join(dir, 'site.yaml');
  writeFileSync(config, demo);
  const child = spawn(process.execPath, [join(packageRoot(), 'dist/src/cli/main.js'), 'run', '--config', config, '--log-level', 'warn'], { stdio: 'ignore' });
  const samples: number[] = [];
  try {
    for (let i = 0; i < seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      if (kb) samples.push(kb);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await sim.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    [`elevgw run RSS after ${seconds} s, 1 elevator (MiB)`]: Math.round((samples.at(-1)! / 1024) * 10) / 10,
    'elevgw run RSS max (MiB)': Math.round((Math.max(...samples) / 1024) * 10) / 10,
  };
}
