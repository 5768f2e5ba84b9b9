import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { packageRoot } from '../src/config/load.js';

/**
 * The pieces the gateway benches share: a real mosquitto, a QoS 1 subscriber that stamps each
 * event's arrival, `elevgw run` as a child process on a site written for the bench, and what
 * /proc says of that child (CPU, RSS, peak RSS). Everything here runs on loopback.
 */

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
}

export const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new Error(`nothing listens on ${port}`);
}

/**
 * mosquitto on a free loopback port, with TCP_NODELAY on its sockets (`set_tcp_nodelay`, off by
 * default), as the gateway sets it on its own side: without it a small PUBLISH to the subscriber can
 * wait for the delayed ACK of the one before (Nagle), ~40 ms that are the bench's, not the
 * gateway's.
 */
export async function startMosquitto(dir: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const conf = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\nset_tcp_nodelay true\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await waitForPort(port);
  return { url: `mqtt://127.0.0.1:${port}`, proc };
}

/** One event as the platform gets it, stamped on arrival. */
export interface Arrival {
  at: number;
  elevatorId: string;
  type: string;
  phase: string;
  bytes: number;
}

/** A QoS 1 subscriber to every elevator's events, with TCP_NODELAY like the broker's other side. */
export async function subscribeEvents(url: string, arrivals: Arrival[]): Promise<mqtt.MqttClient> {
  const sub = await mqtt.connectAsync(url, { clientId: `bench-sub-${process.pid}` });
  (sub.stream as net.Socket).setNoDelay?.(true);
  sub.on('message', (_topic, payload) => {
    const at = performance.now();
    const e = JSON.parse(payload.toString()) as { type: string; phase: string; elevator?: { id: string } | null };
    arrivals.push({ at, elevatorId: e.elevator?.id ?? '', type: e.type, phase: e.phase, bytes: payload.length });
  });
  await sub.subscribeAsync('elevgw/v1/+/elevators/+/events', { qos: 1 });
  return sub;
}

/** Seconds of CPU a process or one of its threads has used, from a /proc stat line: user and system apart. */
function cpuTimes(stat: string): { userS: number; sysS: number } {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { userS: Number(fields[11]) / 100, sysS: Number(fields[12]) / 100 }; // utime, stime (fields 14 and 15)
}

/**
 * A process's CPU and memory from /proc: its CPU in all (`cpuS`), split into user and system time
 * and into its main thread and the rest (V8's GC helpers, libuv's pool: the fsyncs, DNS), its RSS
 * and its peak RSS. The kernel counts in 10 ms ticks per thread, so a thread's share of a short
 * window is coarse; over a minute it is not.
 */
export function procStats(pid: number): { cpuS: number; userS: number; sysS: number; mainThreadS: number; rssMiB: number; peakMiB: number } {
  const { userS, sysS } = cpuTimes(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const main = cpuTimes(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { cpuS: userS + sysS, userS, sysS, mainThreadS: main.userS + main.sysS, rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

export interface BenchElevator {
  id: string;
  port: number;
}

/** A site for `elevgw run`: the elevators on the bench's slaves, a board with the given poll period. */
export function writeSite(dir: string, o: { elevators: BenchElevator[]; brokerUrl: string; periodMs: number; rules?: string; telemetryS?: number }): string {
  const boards = join(dir, 'boards');
  const board = readFileSync(join(packageRoot(), 'boards', 'sim-modbus.yaml'), 'utf8')
    .replace('id: sim-modbus', 'id: bench-modbus')
    .replace('{ name: fast, intervalMs: 100 }', `{ name: fast, intervalMs: ${o.periodMs} }`);
  mkdirSync(boards, { recursive: true });
  writeFileSync(join(boards, 'bench-modbus.yaml'), board);
  const elevators = o.elevators
    .map(
      (e, i) =>
        `  - { id: ${e.id}, registrationCode: "311042010020261${String(10001 + i).padStart(5, '0')}", rescueCode: "JH-${10001 + i}", board: bench-modbus, connection: { host: 127.0.0.1, port: ${e.port}, unitId: 1 }, ratedSpeedMps: 1.75, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }, { label: "3", levelMm: 6000 }, { label: "4", levelMm: 9000 }] }`,
    )
    .join('\n');
  const site = `version: 1
gateway: { id: bench-gw }
boardsDir: boards
elevators:
${elevators}
uplink: { url: "${o.brokerUrl}", telemetryIntervalS: ${o.telemetryS ?? 10} }
${o.rules ? `rules: ${o.rules}\n` : ''}outbox: { path: outbox.db }
`;
  const file = join(dir, 'site.yaml');
  writeFileSync(file, site);
  return file;
}

/**
 * The flags the release launcher gives `elevgw run` (scripts/release/launcher.sh), read from it:
 * Node's own, which every command gets (the OS trust store), then the V8 flags of `run` — or, as
 * the launcher does, ELEVGW_RUN_V8_FLAGS in their place when set (empty: none), so a bench
 * measures the flags a site would set before anyone ships them.
 */
export function launcherFlags(): string[] {
  const sh = readFileSync(join(packageRoot(), 'scripts', 'release', 'launcher.sh'), 'utf8');
  // Node's own flags, given to every command (the trust store), then the V8 flags of `run`.
  const node = /^node_flags=(.*)$/m.exec(sh);
  if (!node) throw new Error('scripts/release/launcher.sh: no node_flags= line found');
  const own = node[1]!.split(' ').filter(Boolean);
  const replaced = process.env.ELEVGW_RUN_V8_FLAGS;
  if (replaced !== undefined) return [...own, ...replaced.split(' ').filter(Boolean)];
  const m = /ELEVGW_RUN_V8_FLAGS-"([^"]*)"/.exec(sh);
  if (!m) throw new Error('scripts/release/launcher.sh: no ELEVGW_RUN_V8_FLAGS default found');
  return [...own, ...m[1]!.split(' ').filter(Boolean)];
}

/**
 * The app whose `elevgw run` the benches start, and the Node that runs it: dist/ of the tree the
 * bench was built from, on this Node; or, with ELEVGW_BENCH_APP=<a release's app/ directory>, the
 * app as a release ships it (its JavaScript without comments, scripts/release/strip-sources.mjs;
 * its own node_modules, whose native modules are built for the release's Node) on the release's
 * own Node (<app>/../node/bin/node).
 */
export function gatewayApp(): { node: string; main: string } {
  const app = process.env.ELEVGW_BENCH_APP;
  if (app === undefined || app === '') return { node: process.execPath, main: join(packageRoot(), 'dist/src/cli/main.js') };
  const out = { node: join(app, '..', 'node', 'bin', 'node'), main: join(app, 'dist', 'src', 'cli', 'main.js') };
  for (const f of [out.node, out.main]) if (!existsSync(f)) throw new Error(`ELEVGW_BENCH_APP=${app}: no ${f} (expected the app/ directory of an extracted release)`);
  return out;
}

/** `elevgw run` of `gatewayApp()`, optionally under a wrapper (strace). */
export function runGateway(site: string, o: { wrapper?: string[]; nodeFlags?: string[]; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  const { node, main } = gatewayApp();
  const argv = [...(o.nodeFlags ?? []), main, 'run', '--config', site, '--log-level', 'warn'];
  const [cmd, ...args] = o.wrapper ? [...o.wrapper, node, ...argv] : [node, ...argv];
  return spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'inherit'], ...(o.env ? { env: o.env } : {}) });
}

export async function stopProcess(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill(signal);
  await exited;
}

export function benchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `elevgw-bench-${name}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
