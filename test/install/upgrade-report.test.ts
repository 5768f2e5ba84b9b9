import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import type { EventPayload } from '../../src/contract/payloads.js';
import type { UpgradeState } from '../../src/contract/upgrade.js';
import { advance, startUpgrade } from '../../src/install/machine.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { contractProblems } from '../helpers/contract-check.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteConfig } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The gateway's side of an upgrade: it reads /var/lib/elevgw/upgrade/<id>.json (here a temp
 * directory) at its start and every 5 s, stores one `upgrade` event per finished upgrade — valid
 * against the contract, upstream through the outbox — and never a second one for the same upgrade,
 * not even after a restart; an upgrade still under way is left alone until it ends.
 */

const tmp = tempDir('elevgw-upgrade-report-');
afterEach(() => tmp.cleanup());

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 3, 0, s)).toISOString();

function gateway(dir: string) {
  const clock = new FakeClock(0, Date.UTC(2026, 11, 2, 3, 1, 0));
  const broker = new FakeBroker(clock, 5, { validate: (m) => contractProblems(m.topic, m.payload) });
  const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock, loop: true });
  const gw = new Gateway({
    config: siteConfig({ simPort: 1, brokerUrl: 'mqtt://broker.invalid:1883', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, gatewayId: 'up-gw' }),
    logger: silentLogger,
    clock,
    clockSynced: () => true,
    mqttConnect: broker.connect,
    diagSocket: false,
    upgradeDir: dir,
    driverFor: simDriverFor(sim, clock),
  });
  const upgrades = () =>
    broker
      .on('elevgw/v1/up-gw/events')
      .map((m) => JSON.parse(m.payload) as EventPayload)
      .filter((e): e is Extract<EventPayload, { type: 'upgrade' }> => e.type === 'upgrade');
  const stop = async () => {
    const stopping = gw.stop();
    await clock.advanceAsync(10_000);
    await stopping;
  };
  return { gw, clock, broker, upgrades, stop };
}

function write(dir: string, s: UpgradeState): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${s.id}.json`), JSON.stringify(s));
}

const rolledBack = (id: string) => {
  let s = startUpgrade(id, '0.1.0', '0.1.1', at(0));
  for (const [i, r] of [{ ok: true }, { ok: true }, { ok: true }, { ok: true }, { ok: false, reason: 'the service is failed 1 s after the restart' }, { ok: true }].entries()) {
    s = advance(s, r as { ok: true } | { ok: false; reason: string }, at(i + 1));
  }
  return s;
};

describe('upgrade events from the state files elevgw upgrade leaves', () => {
  it('stores a finished upgrade once, at the start, as a gateway-level event of the contract', async () => {
    const dir = join(tmp.dir, 'upgrade');
    write(dir, rolledBack('01KBE2A9Q0V1RS7Z5W3X4Y5Z6A'));
    const a = gateway(dir);
    await a.gw.start();
    await a.clock.advanceAsync(20_000);
    expect(a.broker.invalid).toEqual([]);
    const events = a.upgrades();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      elevator: null,
      phase: 'instant',
      severity: 'warning',
      name: '软件升级',
      data: {
        upgradeId: '01KBE2A9Q0V1RS7Z5W3X4Y5Z6A',
        from: '0.1.0',
        to: '0.1.1',
        outcome: 'rolled-back',
        failedStep: 'health',
        reason: 'the service is failed 1 s after the restart',
        startedAt: at(0),
        finishedAt: at(6),
      },
    });
    expect(readdirSync(dir)).toEqual(['01KBE2A9Q0V1RS7Z5W3X4Y5Z6A.reported.json']);
    await a.stop();

    // The next start (same outbox, as after a restart) finds it reported: nothing new.
    const b = gateway(dir);
    await b.gw.start();
    await b.clock.advanceAsync(20_000);
    expect(b.upgrades()).toEqual([]);
    await b.stop();
    const db = new Database(join(tmp.dir, 'outbox.db'), { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM records WHERE payload LIKE '%"type":"upgrade"%'`).get()).toEqual({ n: 1 });
    db.close();
  }, 60_000);

  it('waits for an upgrade under way, and reports it within 5 s of its end without a restart', async () => {
    const dir = join(tmp.dir, 'upgrade');
    const id = '01KBE2C000000000000000000B';
    let s = startUpgrade(id, '0.1.0', '0.1.2', at(0));
    for (let i = 1; i <= 4; i++) s = advance(s, { ok: true }, at(i)); // restarted: the gate is running
    write(dir, s);
    const a = gateway(dir);
    await a.gw.start();
    await a.clock.advanceAsync(30_000);
    expect(a.upgrades()).toEqual([]);
    expect(existsSync(join(dir, `${id}.json`))).toBe(true);

    write(dir, advance(s, { ok: true }, at(40))); // healthy
    await a.clock.advanceAsync(5_100); // the next check, and the publish after it
    expect(a.upgrades().map((e) => [e.data?.outcome, e.severity, e.data?.reason])).toEqual([['upgraded', 'info', undefined]]);
    await a.clock.advanceAsync(30_000);
    expect(a.upgrades()).toHaveLength(1);
    await a.stop();
  }, 60_000);

  it('reports the others when one file cannot be read, and keeps running', async () => {
    const dir = join(tmp.dir, 'upgrade');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '01KBE2A0000000000000000000.json'), '{"v": 99, "half-written');
    write(dir, rolledBack('01KBE2D000000000000000000C'));
    const a = gateway(dir);
    await a.gw.start();
    await a.clock.advanceAsync(20_000);
    expect(a.upgrades().map((e) => e.data?.upgradeId)).toEqual(['01KBE2D000000000000000000C']);
    expect(a.gw.status().state).toBe('online');
    await a.stop();
  }, 60_000);
});
