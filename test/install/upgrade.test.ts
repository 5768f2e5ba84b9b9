import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { startSimModbusTcp, type SimModbusTcp } from '../../src/sim/host.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { Platform } from '../helpers/platform.js';
import { TcpGate } from '../helpers/tcp-gate.js';
import { tempDir } from '../helpers/tmp.js';
import { VERSION, ensureReleases, extract } from '../release/releases.js';
import { REPO } from '../helpers/built.js';
import { sh, Terminal } from '../diag/live-terminal.js';
import { credentialsFile } from './installer.js';

/**
 * Issue 10's upgrade acceptance on the x64 release (built or found up to date by test/release):
 * installed with scripts/install.sh --root, its service run by the test's stand-in for systemctl
 * (upgrade-fake-systemctl.sh, the documented ELEVGW_FAKE_SYSTEMCTL seam), against a simulated
 * elevator and a real mosquitto. An upgrade to a release whose gateway cannot start rolls back by
 * itself: the previous version runs and is healthy again, every outbox row stored before is still
 * there and reaches the broker, and one `upgrade` event says `rolled-back`. A good release then
 * upgrades, and the two last releases are kept.
 */

const FAKE = join(import.meta.dirname, 'upgrade-fake-systemctl.sh');
const tmp = tempDir('elevgw-upgrade-');
const root = join(tmp.dir, 'root');
const R = (p: string) => join(root, p);
const env = { ...process.env, ELEVGW_FAKE_SYSTEMCTL: FAKE };
/** Versions after the installed one, as a maintainer would number them. */
const bump = (n: number) => VERSION.replace(/(\d+)$/, (p) => String(Number(p) + n));
const BROKEN = bump(1);
const GOOD = bump(2);
const NEXT = bump(3);
/** Seconds a gateway has to come up healthy and stay so: short for a test, long enough for this loaded machine. */
const WINDOW = '15';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The outbox as another process sees it (read-only; a WAL reader never blocks the gateway). */
function readOutbox(file: string): { id: string; kind: string; type?: string; delivered: boolean }[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT id, kind, payload, delivered_at FROM records ORDER BY seq').all() as {
      id: string;
      kind: string;
      payload: string;
      delivered_at: number | null;
    }[];
    return rows.map((r) => ({ id: r.id, kind: r.kind, type: (JSON.parse(r.payload) as { type?: string }).type, delivered: r.delivered_at !== null }));
  } catch (e) {
    if (/no such table/.test(String(e))) return []; // not created yet
    throw e;
  } finally {
    db.close();
  }
}

let tarball = '';
let sim: SimModbusTcp;
let mosquitto: Mosquitto;
let gate: TcpGate;
let platform: Platform;

/**
 * A release made from the cached x64 one: another version (release.json, app/package.json), the
 * app optionally changed, MANIFEST.sha256 made again, packed with its .sha256 — one an installer
 * could not tell from a real build. Hard links share the 160 MB that stay the same.
 */
function variant(base: string, version: string, breakApp: boolean): string {
  const top = `elevgw-${version}-linux-x64`;
  const dir = join(tmp.dir, 'variants', top);
  cpSync(base, dir, { recursive: true, verbatimSymlinks: true });
  const rewrite = (rel: string, edit: (text: string) => string) => {
    const file = join(dir, rel);
    const text = edit(readFileSync(file, 'utf8'));
    rmSync(file);
    writeFileSync(file, text);
  };
  const changed = ['release.json', 'app/package.json'];
  rewrite('release.json', (t) => t.replace(`"version": "${VERSION}"`, `"version": "${version}"`));
  rewrite('app/package.json', (t) => t.replace(`"version": "${VERSION}"`, `"version": "${version}"`));
  if (breakApp) {
    // Loads, validates configs, answers --version: only starting the gateway fails, as a real bug would.
    changed.push('app/dist/src/runtime/gateway.js');
    rewrite('app/dist/src/runtime/gateway.js', (t) => t.replace('async start() {', "async start() { throw new Error('broken release (test): the gateway cannot start');"));
  }
  rewrite('MANIFEST.sha256', (t) =>
    t
      .split('\n')
      .map((l) => {
        const f = l.slice(66);
        return changed.includes(f) ? `${sha256(readFileSync(join(dir, f)))}  ${f}` : l;
      })
      .join('\n'),
  );
  const out = join(tmp.dir, `${top}.tar.gz`);
  const tar = spawnSync('tar', ['-C', join(tmp.dir, 'variants'), '-I', 'gzip -1', '-cf', out, top]);
  expect(tar.status, String(tar.stderr)).toBe(0);
  writeFileSync(`${out}.sha256`, `${sha256(readFileSync(out))}  ${top}.tar.gz\n`);
  return out;
}

function siteYaml(simPort: number, brokerPort: number): string {
  return `version: 1
gateway: { id: jh-gw-0512, site: "Jianghan Building 5" }
elevators:
  - id: L1
    registrationCode: "31104201002023050512"
    rescueCode: "27-0512"
    board: sim-modbus
    connection: { host: 127.0.0.1, port: ${simPort}, unitId: 1 }
    ratedSpeedMps: 1.75
    floors: [${Array.from({ length: 10 }, (_, i) => `{ label: "${i === 0 ? 'B1' : i}", levelMm: ${i * 3000} }`).join(', ')}]
uplink: { url: "mqtt://127.0.0.1:${brokerPort}", telemetryIntervalS: 1, reconnectMinMs: 100, reconnectMaxMs: 1000 }
outbox: { path: ../../var/lib/elevgw/outbox.db }
`;
}

/** The installed elevgw, as an installer runs it (async: the test's broker client keeps receiving meanwhile). */
function elevgw(...args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(R('usr/local/bin/elevgw'), args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The stand-in systemctl, as systemd would act on the service (a boot's start, a power cut's end). */
const service = (verb: 'start' | 'stop') => new Promise((resolve) => spawn(FAKE, [verb, 'elevgw.service'], { env: { ...env, ROOT: root }, stdio: 'ignore' }).on('close', resolve));

/** Every upgrade's state file, finished or not, reported or not (src/contract/upgrade.ts), oldest first. */
function upgradeStates(): { id: string; from: string; to: string; phase: string; outcome?: string; failedStep?: string; reason?: string }[] {
  const dir = R('var/lib/elevgw/upgrade');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      try {
        return JSON.parse(readFileSync(join(dir, n), 'utf8'));
      } catch {
        return undefined; // renamed to .reported.json between the listing and the read
      }
    })
    .filter((x) => x !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}
/** The latest upgrade to `version`. */
const latestTo = (version: string) =>
  upgradeStates()
    .filter((x) => x.to === version)
    .at(-1);
/** The process has exited (gone, or a zombie nobody reaped: its parent, the command in the terminal, died first). */
function ended(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') === true;
  } catch {
    return true;
  }
}
/** The pid that holds the upgrade lock: the process doing the upgrade. */
const lockHolder = () => Number(readFileSync(R('opt/elevgw/.upgrade.lock'), 'utf8').split(' ')[0]);

const health = () => elevgw('health', '--config', R('etc/elevgw/site.yaml'), '--json');
const dbPath = () => R('var/lib/elevgw/outbox.db');
const upgradeEvents = () =>
  platform.arrivals
    .map((a) => JSON.parse(a.payload) as { type: string; data: { outcome: string; from: string; to: string; upgradeId: string } })
    .filter((e) => e.type === 'upgrade');

beforeAll(async () => {
  tarball = (await ensureReleases(['linux-x64']))['linux-x64']!;
  const base = await extract(tarball, tmp.dir, 'linux-x64');
  sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.normal!.scenario, timeScale: 1, loop: true });
  mosquitto = await Mosquitto.start();
  gate = await TcpGate.start(mosquitto.port);
  await gate.close(); // the broker is out of reach until the test opens the way: rows wait in the outbox
  platform = await Platform.connect(mosquitto.url, 'jh-gw-0512');
  writeFileSync(join(tmp.dir, 'site.yaml'), siteYaml(sim.port, gate.port));
  // Installed as on a gateway; its `systemctl restart` starts the service through the stand-in.
  const r = spawnSync('bash', [join(REPO, 'scripts/install.sh'), tarball, '--root', root, '--site', join(tmp.dir, 'site.yaml'), '--credentials', credentialsFile(tmp.dir, '')], {
    env,
    encoding: 'utf8',
  });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  variants.broken = variant(base, BROKEN, true);
  variants.good = variant(base, GOOD, false);
  variants.next = variant(base, NEXT, false);
  rmSync(base, { recursive: true, force: true });
}, 20 * 60_000);

const variants = { broken: '', good: '', next: '' };

afterAll(async () => {
  // Asynchronously: the simulator runs in this process and must keep answering while the gateway stops.
  await new Promise((resolve) => spawn(FAKE, ['stop', 'elevgw.service'], { env: { ...env, ROOT: root }, stdio: 'ignore' }).on('close', resolve));
  await platform?.close();
  await gate?.close();
  await mosquitto?.close();
  await sim?.close();
  tmp.cleanup();
});

describe('elevgw upgrade with automatic rollback', () => {
  it('rolls back a release whose gateway cannot start; the previous one runs, keeps and delivers every row, and reports it once', async () => {
    // The installed gateway runs and stores while the broker is out of reach.
    await vi.waitFor(async () => expect((await health()).code).toBe(0), { timeout: 30_000, interval: 300 });
    await vi.waitFor(() => expect(readOutbox(dbPath()).filter((r) => !r.delivered).length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 200 });
    const before = readOutbox(dbPath());
    expect(before.some((r) => r.type === 'gateway-started')).toBe(true);

    const r = await elevgw('upgrade', variants.broken, '--root', root, '--health-window', WINDOW);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`${VERSION} → ${BROKEN}: rolled-back at health: `);

    // The previous version is current and running, healthy; the broken one is gone, its reason recorded.
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${VERSION}`);
    expect(readdirSync(R('opt/elevgw/releases'))).toEqual([VERSION]);
    const h = await health();
    expect(h.code, h.out).toBe(0);
    expect(JSON.parse(h.out)).toMatchObject({ healthy: true, version: VERSION });
    const state = readdirSync(R('var/lib/elevgw/upgrade')).filter((n) => n.endsWith('.json'));
    expect(state).toHaveLength(1);
    const recorded = JSON.parse(readFileSync(R(`var/lib/elevgw/upgrade/${state[0]}`), 'utf8')) as Record<string, unknown>;
    expect(recorded).toMatchObject({ from: VERSION, to: BROKEN, outcome: 'rolled-back', failedStep: 'health' });
    const journal = readFileSync(R('.elevgw-install.log'), 'utf8');
    expect(journal).toContain(`logger -t elevgw-upgrade -p daemon.warning -- ${VERSION} → ${BROKEN}: rolled-back`);
    expect(journal).toMatch(/^systemctl restart elevgw\.service\nlogger .*restarted$/m);

    // Every row stored before the upgrade is still there, and all of them reach the broker.
    const ids = () => new Set(readOutbox(dbPath()).map((x) => x.id));
    expect(before.filter((x) => !ids().has(x.id))).toEqual([]);
    await gate.open();
    await vi.waitFor(() => expect(readOutbox(dbPath()).filter((x) => !x.delivered)).toEqual([]), { timeout: 30_000, interval: 200 });
    const events = before.filter((x) => x.kind === 'event');
    expect(events.filter((e) => !platform.has(e.id))).toEqual([]);

    // One upgrade event, from the gateway that runs after it — the previous version.
    await vi.waitFor(() => expect(upgradeEvents()).toHaveLength(1), { timeout: 15_000, interval: 200 });
    expect(upgradeEvents()[0]).toMatchObject({ data: { from: VERSION, to: BROKEN, outcome: 'rolled-back' } });
  }, 150_000);

  it('upgrades to a good release, keeps the previous one beside it, and reports the upgrade once', async () => {
    const r = await elevgw('upgrade', variants.good, '--root', root, '--health-window', WINDOW);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`${VERSION} → ${GOOD}: running and healthy`);
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${GOOD}`);
    expect(readdirSync(R('opt/elevgw/releases')).sort()).toEqual([GOOD, VERSION].sort());
    expect(JSON.parse((await health()).out)).toMatchObject({ healthy: true, version: GOOD });

    await vi.waitFor(() => expect(upgradeEvents().map((e) => e.data.outcome)).toEqual(['rolled-back', 'upgraded']), { timeout: 15_000, interval: 200 });
    expect(upgradeEvents()[1]!.data).toMatchObject({ from: VERSION, to: GOOD });
    // The rollback's event was not stored again by the new version (nor the same upgrade twice).
    await vi.waitFor(() => expect(readOutbox(dbPath()).filter((x) => !x.delivered)).toEqual([]), { timeout: 15_000, interval: 200 });
    expect(readOutbox(dbPath()).filter((x) => x.type === 'upgrade')).toHaveLength(2);
    expect(platform.duplicated()).toEqual([]);
  }, 120_000);

  it('finishes an upgrade killed after its restart at the next start of the service: the previous release runs again, reported rolled-back', async () => {
    const running = elevgw('upgrade', variants.next, '--root', root, '--health-window', '300');
    await vi.waitFor(() => expect(latestTo(NEXT)?.phase).toBe('restarted'), { timeout: 90_000, interval: 100 });
    // As a power cut ends it: the upgrading process at once, then the gateway it had started.
    process.kill(lockHolder(), 'SIGKILL');
    await running;
    await service('stop');
    expect(latestTo(NEXT)).toMatchObject({ phase: 'restarted' });
    expect(latestTo(NEXT)?.outcome).toBeUndefined();

    // The boot: the unit's ExecStartPre, run by /usr/local/bin/elevgw — still the new release's.
    const r = await elevgw('upgrade', '--recover', '--service-starting', '--root', root);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`${GOOD} → ${NEXT}: rolled-back at health: interrupted: its process ended during the health step`);
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${GOOD}`);
    expect(readdirSync(R('opt/elevgw/releases')).sort()).toEqual([GOOD, VERSION].sort());
    expect(existsSync(R('opt/elevgw/.upgrade.lock'))).toBe(false);
    expect(readFileSync(R('.elevgw-install.log'), 'utf8')).toContain(`-- ${GOOD} → ${NEXT} was interrupted at restarted; ${NEXT} is current, ${GOOD} goes back`);

    // Then the start goes on: the previous release, healthy, reports what happened once.
    await service('start');
    await vi.waitFor(async () => expect(JSON.parse((await health()).out)).toMatchObject({ healthy: true, version: GOOD }), { timeout: 30_000, interval: 300 });
    await vi.waitFor(() => expect(upgradeEvents().map((e) => e.data.outcome)).toEqual(['rolled-back', 'upgraded', 'rolled-back']), { timeout: 15_000, interval: 200 });
    expect(upgradeEvents()[2]!.data).toMatchObject({ from: GOOD, to: NEXT });
    const again = await elevgw('upgrade', '--recover', '--service-starting', '--root', root);
    expect(again.out).toContain('no interrupted upgrade');
  }, 180_000);

  it('carries on to its end when the terminal it runs in hangs up (an ssh session dropped)', async () => {
    const t = Terminal.start(
      tmp.dir,
      `ELEVGW_FAKE_SYSTEMCTL=${sh(FAKE)} ${sh(R('usr/local/bin/elevgw'))} upgrade ${sh(variants.next)} --root ${sh(root)} --health-window ${WINDOW}`,
    );
    await vi.waitFor(() => expect(latestTo(NEXT)?.phase).toBe('restarted'), { timeout: 90_000, interval: 100 });
    const upgrading = lockHolder();
    t.kill(); // the terminal is gone: what runs in it gets SIGHUP, and EIO from then on
    // It goes on to its end and exits then: the hangup did not end it.
    await vi.waitFor(() => expect(ended(upgrading)).toBe(true), { timeout: 90_000, interval: 200 });
    expect(existsSync(R('opt/elevgw/.upgrade.lock'))).toBe(false);
    expect(latestTo(NEXT)).toMatchObject({ outcome: 'upgraded', phase: 'healthy' });
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${NEXT}`);
    expect(readdirSync(R('opt/elevgw/releases')).sort()).toEqual([GOOD, NEXT].sort());
    expect(JSON.parse((await health()).out)).toMatchObject({ healthy: true, version: NEXT });
    await vi.waitFor(() => expect(upgradeEvents().at(-1)?.data).toMatchObject({ from: GOOD, to: NEXT, outcome: 'upgraded' }), { timeout: 15_000, interval: 200 });
  }, 180_000);

  it('Ctrl-C during the health gate cancels: the running release goes back, the one tried stays installed as it was', async () => {
    const t = Terminal.start(
      tmp.dir,
      `ELEVGW_FAKE_SYSTEMCTL=${sh(FAKE)} ${sh(R('usr/local/bin/elevgw'))} upgrade ${sh(variants.good)} --root ${sh(root)} --health-window ${WINDOW}`,
    );
    try {
      await vi.waitFor(
        () => {
          const shown = t.history();
          if (/\[exit \d+\]/.test(shown)) throw new Error(`the upgrade ended before its restart:\n${shown}`);
          expect(latestTo(GOOD)?.phase).toBe('restarted');
        },
        { timeout: 90_000, interval: 100 },
      );
      t.press('C-c');
      const [, code] = await t.waitFor(/\[exit (\d+)\]/, 90_000, 'history');
      const out = t.history();
      expect(code, out).toBe('1');
      expect(out).toContain('SIGINT: cancelling');
      expect(out).toContain(`${NEXT} → ${GOOD}: rolled-back at health: interrupted by SIGINT during the health gate`);
    } finally {
      t.kill();
    }
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${NEXT}`);
    // GOOD was the kept previous release, reused by this upgrade: it stays.
    expect(readdirSync(R('opt/elevgw/releases')).sort()).toEqual([GOOD, NEXT].sort());
    expect(JSON.parse((await health()).out)).toMatchObject({ healthy: true, version: NEXT });
    await vi.waitFor(() => expect(upgradeEvents().at(-1)?.data).toMatchObject({ from: NEXT, to: GOOD, outcome: 'rolled-back', failedStep: 'health' }), {
      timeout: 15_000,
      interval: 200,
    });
    expect(platform.duplicated()).toEqual([]);
  }, 180_000);

  it('Ctrl-C before the swap refuses: nothing swapped, restarted or removed, exit 2', async () => {
    // As in a terminal: the command typed is in the foreground group and gets the SIGINT; the upgrade it runs is in a session of its own.
    const child = spawn(R('usr/local/bin/elevgw'), ['upgrade', variants.good, '--root', root, '--health-window', WINDOW], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const calls = readFileSync(R('.elevgw-install.log'), 'utf8').length;
    await vi.waitFor(() => expect(['started', 'staged']).toContain(latestTo(GOOD)?.phase), { timeout: 60_000, interval: 10 });
    child.kill('SIGINT');
    expect(await exited, out).toBe(2);
    expect(out).toContain(`${NEXT} → ${GOOD}: refused at `);
    expect(out).toContain('interrupted by SIGINT before anything changed');
    expect(latestTo(GOOD)).toMatchObject({ outcome: 'refused' });
    expect(readlinkSync(R('opt/elevgw/current'))).toBe(`releases/${NEXT}`);
    expect(readdirSync(R('opt/elevgw/releases')).sort()).toEqual([GOOD, NEXT].sort());
    expect(readFileSync(R('.elevgw-install.log'), 'utf8').slice(calls)).not.toMatch(/^systemctl/m);
  }, 120_000);
});
