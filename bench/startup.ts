import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { packageRoot } from '../src/config/load.js';
import { startEmbeddedBroker } from '../src/platform/broker.js';
import { serveSim } from '../src/sim/host.js';
import { encodeControllerRegisters, encodeDiscreteInputs } from '../src/sim/modbus-map.js';
import { startModbusTcpServer } from '../src/sim/modbus-tcp-server.js';
import { SCENARIOS } from '../src/sim/scenarios.js';
import { VERSION } from '../src/runtime/version.js';

const RUNS = 5;

/**
 * Time from the service's start to its first poll, on the x64 release as an installed gateway runs
 * it: `bin/elevgw run` of the unpacked release (its own Node), the outbox kept across the runs as
 * across service restarts. The clock starts just before the spawn and stops when the simulator
 * answers the gateway's first read — that answer is the first successful poll (the bus is
 * loopback, the answer leaves at once). This is what a restart, or an upgrade, leaves a lift
 * unmonitored for. The release is built first when its sources changed (`npm run release`).
 */
export async function benchStartup(): Promise<Record<string, number | string>> {
  const repo = packageRoot();
  const built = spawnSync(process.execPath, [join(repo, 'scripts/release/build.mjs'), '--target', 'linux-x64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (built.status !== 0) return { 'startup (x64 release)': `release build failed: ${built.stderr.trim().split('\n').at(-1) ?? ''}` };
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-startup-'));
  const tar = spawnSync('tar', ['-xzf', join(repo, 'release', `elevgw-${VERSION}-linux-x64.tar.gz`), '-C', dir]);
  if (tar.status !== 0) throw new Error(`cannot unpack the x64 release: ${String(tar.stderr)}`);
  const launcher = join(dir, `elevgw-${VERSION}-linux-x64`, 'bin', 'elevgw');

  let firstRead: number | undefined;
  const sim = await serveSim({ scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true }, (current) =>
    startModbusTcpServer({
      host: '127.0.0.1',
      port: 0,
      unitId: 1,
      readRegisters: () => {
        firstRead ??= performance.now();
        return encodeControllerRegisters(current());
      },
      readDiscreteInputs: () => encodeDiscreteInputs(current()),
    }),
  );
  const broker = await startEmbeddedBroker();
  const config = join(dir, 'site.yaml');
  writeFileSync(
    config,
    `version: 1
gateway: { id: bench-gw }
elevators:
  - { id: E1, registrationCode: "31104201002026110001", rescueCode: "JH-10001", board: sim-modbus, connection: { host: 127.0.0.1, port: ${sim.server.port}, unitId: 1 }, ratedSpeedMps: 1.75, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }, { label: "3", levelMm: 6000 }] }
uplink: { url: "${broker.url}" }
outbox: { path: outbox.db }
`,
  );
  const ms: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      firstRead = undefined;
      const started = performance.now();
      const child = spawn(launcher, ['run', '--config', config, '--log-level', 'warn'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        for (const deadline = started + 60_000; firstRead === undefined; ) {
          if (performance.now() > deadline || child.exitCode !== null) throw new Error(`run ${i + 1}: no poll within 60 s (exit ${child.exitCode})`);
          await new Promise((r) => setTimeout(r, 2)); // lets the simulator answer; the time is taken in its callback
        }
        ms.push(firstRead - started);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    }
  } finally {
    await sim.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...ms].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x);
  return {
    [`service start → first poll, x64 release (ms, median of ${RUNS})`]: round(sorted[Math.floor(RUNS / 2)]!),
    'service start → first poll: each run (ms)': ms.map(round).join(', '),
  };
}
