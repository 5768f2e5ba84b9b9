import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { parseSimScenario } from '../../src/sim/scenario.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig } from '../helpers/gateway.js';
import { readOutbox } from '../helpers/child-gateway.js';
import { appendBacklog } from '../helpers/outbox-file.js';
import { Platform, type Arrival } from '../helpers/platform.js';
import { TcpGate } from '../helpers/tcp-gate.js';

const BACKLOG = 3000;
const DRAIN_RATE = 300;
const INFLIGHT_WINDOW = 32;
/** Backlog events received when the broker crashes (SIGKILL), mid-drain, connected and sending. */
const CRASH_AT = [1000, 2000];
/** Backlog events received when the car's door opens at speed (a critical fault) during the drain. */
const CRITICAL_AT = 300;
/**
 * Real time: the drain pace is uplink.drainRatePerS per real second whichever clock the uplink's
 * bucket runs on, so "mid-drain" stays mid-drain. The car needs ~1.3 s to pass 1 m/s.
 */
const TIME_SCALE = 1;

/**
 * A gateway with thousands of events waiting, first unable to reach the broker, then draining into
 * mosquitto while the elevator keeps producing events — and mosquitto crashes (SIGKILL) twice in the
 * middle of the drain and comes back. Everything stored arrives with its stored payload, in append order
 * within each priority lane; a critical fault raised during the drain overtakes the backlog, and one
 * raised while the broker is down is the first thing sent when it is back.
 *
 * The gateway reaches mosquitto through a gate the test holds shut while mosquitto restarts, until the
 * platform's subscription is back: what the broker accepts before that would reach nobody.
 */
describe('broker crashes while the gateway drains a backlog of thousands of events', () => {
  const tmp = tempDir();
  const dbPath = join(tmp.dir, 'outbox.db');
  let mosq: Mosquitto;
  let gate: TcpGate;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let platform: Platform;
  let backlogIds: string[] = [];
  let backlogSet = new Set<string>();

  beforeAll(async () => {
    // What a long outage left behind, already committed when the gateway starts.
    backlogIds = appendBacklog(dbPath, BACKLOG, (id, n) => ({
      kind: 'event',
      elevatorId: 'E1',
      priority: PRIORITY.warning,
      createdAt: Date.now(),
      payload: JSON.stringify({ v: 1, id, type: 'door-open-too-long', severity: 'warning', n }),
    }));
    backlogSet = new Set(backlogIds);
    mosq = await Mosquitto.start();
    gate = await TcpGate.start(mosq.port);
    await gate.close(); // the broker is unreachable when the gateway starts
    platform = await Platform.connect(mosq.url, 'out-gw', { qos: 0 });
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: parseSimScenario({ name: 'idle', durationS: 100_000 }), timeScale: TIME_SCALE, loop: false });
    const config = siteConfig({ simPort: sim.port, brokerUrl: gate.url, outboxPath: dbPath, timeScale: TIME_SCALE, gatewayId: 'out-gw' });
    config.site.uplink.drainRatePerS = DRAIN_RATE;
    config.site.uplink.inflightWindow = INFLIGHT_WINDOW;
    gw = new Gateway({ config, logger: silentLogger });
    await gw.start();
  });

  afterAll(async () => {
    await gw?.stop();
    await platform?.close();
    await gate?.close();
    await sim?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  const backlogReceived = () => new Set(platform.arrivals.filter((a) => backlogSet.has(a.id)).map((a) => a.id)).size;
  /** Stored events of a type in their raised phase. */
  const raised = (type: string, where = '1=1') =>
    readOutbox(dbPath, `${where} AND kind = 'event'`).filter((r) => r.type === type && (JSON.parse(r.payload) as { phase: string }).phase === 'raised');

  /** The car travelling at speed (a trip to the far end, unless it is on one). */
  async function atSpeed(): Promise<void> {
    const e = sim.sim.elevator;
    if (Math.abs(e.state().speedMps) < 1) e.call(e.state().positionMm > 13_500 ? 0 : 9);
    await vi.waitFor(() => expect(Math.abs(e.state().speedMps)).toBeGreaterThan(1), { timeout: 10_000, interval: 20 });
  }

  /** mosquitto dies mid-drain and comes back; the gateway may reconnect once the platform listens again. */
  async function brokerCrash(): Promise<void> {
    expect(gw.uplink.state, 'connected and sending when the broker dies').toBe('online');
    expect(gw.outbox.stats().pending, 'mid-drain').toBeGreaterThan(500);
    await mosq.stop('SIGKILL');
    await vi.waitFor(() => expect(gw.uplink.state).not.toBe('online'), { timeout: 10_000, interval: 5 });
    await gate.close();
    await mosq.start();
    await platform.ready();
  }

  it('delivers everything stored, in order per lane, with critical events overtaking, through two broker crashes', async () => {
    expect(gw.outbox.stats().pending).toBeGreaterThanOrEqual(BACKLOG);
    expect(gw.uplink.state).not.toBe('online');
    await gate.open(); // the broker is reachable: the drain starts

    // Crash 1 while connected and sending; a critical fault raised during the drain goes first.
    await vi.waitFor(() => expect(backlogReceived()).toBeGreaterThanOrEqual(CRITICAL_AT), { timeout: 30_000, interval: 20 });
    await atSpeed();
    sim.sim.elevator.openDoorWhileMoving(1500); // critical: door-open-while-moving
    const doorFault = (a: Arrival) => a.payload.includes('"door-open-while-moving"');
    await vi.waitFor(() => expect(platform.arrivals.some(doorFault)).toBe(true), { timeout: 15_000, interval: 20 });
    // It overtook the backlog stored before it: most of it was still to come when it arrived.
    const c1 = platform.arrivals.find(doorFault)!;
    const backlogBefore = new Set(
      platform.arrivals
        .slice(0, c1.index)
        .filter((a) => backlogSet.has(a.id))
        .map((a) => a.id),
    ).size;
    expect(backlogBefore, 'backlog events received before the critical fault').toBeLessThan(BACKLOG - 1000);
    await vi.waitFor(() => expect(backlogReceived()).toBeGreaterThanOrEqual(CRASH_AT[0]!), { timeout: 30_000, interval: 5 });
    await brokerCrash();
    // While the broker is down the car overspeeds: a critical fault stored offline, which must go first on reconnect.
    await atSpeed();
    sim.sim.elevator.overspeed(1.3, 1500);
    await vi.waitFor(() => expect(raised('overspeed', 'delivered_at IS NULL')).toHaveLength(1), { timeout: 15_000, interval: 20 });
    const storedOffline = new Set(raised('overspeed').map((r) => r.id));
    const reconnectedAt = platform.arrivals.length;
    await gate.open();

    // Crash 2, again mid-drain.
    await vi.waitFor(() => expect(backlogReceived()).toBeGreaterThanOrEqual(CRASH_AT[1]!), { timeout: 30_000, interval: 5 });
    await brokerCrash();
    await gate.open();

    await vi.waitFor(() => expect(gw.outbox.stats().pending).toBe(0), { timeout: 60_000, interval: 100 });
    expect(gate.accepted, 'the gateway connected three times: at the start and after each crash').toBeGreaterThanOrEqual(3);
    const stored = readOutbox(dbPath, "kind = 'event'");
    await vi.waitFor(() => expect(stored.filter((r) => !platform.has(r.id)).map((r) => r.id)).toEqual([]), { timeout: 10_000, interval: 50 });

    // Everything stored arrived, each time with the payload it was stored with.
    expect(stored.length).toBeGreaterThan(BACKLOG);
    const payloads = new Map(stored.map((r) => [r.id, r.payload]));
    const altered = platform.arrivals.filter((a) => payloads.get(a.id) !== a.payload);
    expect(altered.map((a) => a.id)).toEqual([]);

    // In append order within each lane (first arrivals: a crash may repeat what was in flight).
    const first = firstArrivals(platform.arrivals);
    for (const lane of new Set(stored.map((r) => r.priority))) {
      const laneIds = stored.filter((r) => r.priority === lane).map((r) => r.id); // stored: by seq
      expect(
        first.filter((a) => laneIds.includes(a.id)).map((a) => a.id),
        `lane ${lane} in append order`,
      ).toEqual(laneIds);
    }

    expect(raised('door-open-while-moving'), 'the door fault was raised once').toHaveLength(1);
    expect(raised('overspeed'), 'the overspeed was raised once').toHaveLength(1);
    const overtaken = BACKLOG - backlogBefore;

    // The one stored while the broker was down went first when it came back: the first thing the
    // new connection sent was a critical row, and it came before any of the backlog.
    const lane = new Map(stored.map((r) => [r.id, r.priority]));
    const afterReconnect = platform.arrivals.slice(reconnectedAt);
    expect(lane.get(afterReconnect[0]!.id), 'first sent after the broker came back').toBe(PRIORITY.critical);
    const offline = afterReconnect.findIndex((a) => storedOffline.has(a.id));
    expect(offline, 'the critical fault stored offline arrived').toBeGreaterThanOrEqual(0);
    expect(offline, 'before any backlog event').toBeLessThan(afterReconnect.findIndex((a) => backlogSet.has(a.id)));

    // At least once, never more than the in-flight window per crash.
    const resent = platform.arrivals.length - first.length;
    expect(resent).toBeLessThanOrEqual(CRASH_AT.length * INFLIGHT_WINDOW);
    console.log(
      `broker outage: ${stored.length} events (${BACKLOG} backlog) delivered through ${CRASH_AT.length} mosquitto SIGKILLs; ${resent} resent; ` +
        `critical fault overtook ${overtaken} backlog events; drain rate configured ${DRAIN_RATE}/s (measured in bench/drain.ts)`,
    );
  }, 120_000);
});

function firstArrivals(arrivals: readonly Arrival[]): Arrival[] {
  const seen = new Set<string>();
  return arrivals.filter((a) => !seen.has(a.id) && seen.add(a.id));
}
