import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { Operators } from '../../src/platform/http/auth.js';
import { PlatformService } from '../../src/platform/service.js';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { launchChromium } from '../helpers/browser.js';
import { siteConfig } from '../helpers/gateway.js';
import { Mosquitto } from '../helpers/mosquitto.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The duty desk in a real browser: a real gateway reads the simulator (a passenger stuck between
 * floors) and publishes into mosquitto; the platform stores the trapped raise and opens a rescue
 * ticket in the same commit; headless Chromium shows it open, then escalated when the platform's
 * (fake) clock passes five minutes without an acknowledgement, then resolved when the car reaches
 * a floor and opens its doors and the gateway clears the fault.
 */
describe('duty desk: a trapped passenger from a real gateway, seen in a browser', () => {
  const TIME_SCALE = 10;
  const tmp = tempDir('elevgw-desk-');
  const clock = new FakeClock(0, Date.now());
  let mosq: Mosquitto;
  let store: PlatformStore;
  let service: PlatformService;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mosq = await Mosquitto.start();
    store = await SqlPlatformStore.open(new SqliteDb(join(tmp.dir, 'platform.db')), clock.wallNow());
    service = await PlatformService.start({
      store,
      broker: { url: mosq.url },
      topicPrefix: 'elevgw/v1',
      group: 'desk',
      workerId: 'w1',
      sessions: 2,
      sessionExpiryS: 60,
      policy: rescuePolicy([5, 15]),
      silenceMs: 60_000,
      http: { host: '127.0.0.1', port: 0 },
      operators: new Operators([{ name: 'duty-officer', token: 'a-long-enough-test-token' }]),
      clock,
      log: silentLogger,
    });
    // The built-in trapped scenario until the stall, and no release: the test releases the car itself.
    const trapped = SCENARIOS.trapped!.scenario;
    sim = await startSimModbusTcp({
      host: '127.0.0.1',
      port: 0,
      unitId: 1,
      scenario: { ...trapped, steps: trapped.steps.filter((s) => s.atS < 10) },
      timeScale: TIME_SCALE,
      loop: false,
    });
    gw = new Gateway({
      config: siteConfig({ simPort: sim.port, brokerUrl: mosq.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: TIME_SCALE }),
      logger: silentLogger,
      diagSocket: false,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(service.httpUrl!);
    await gw.start();
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await sim?.close();
    await service?.stop();
    await store?.close();
    await mosq?.close();
    tmp.cleanup();
  });

  it('shows the ticket open as the raise arrives, escalated after 5 minutes unacknowledged, resolved when the fault clears', async () => {
    const row = page.locator('#tickets tr[data-ticket-id]');
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute('data-state')).toBe('open');
    const [raise] = await store.events({ type: 'trapped', limit: 1 });
    const ticket = (await store.ticket(raise!.id))!;
    // Opened in the commit that stored the raise: on the platform's clock, no time after its arrival.
    expect(ticket.openedMs - raise!.receivedMs).toBeLessThanOrEqual(1000);
    expect(ticket).toMatchObject({ elevatorId: 'E1', registrationCode: '31104201002026110001', rescueCode: 'JH-10001', hotline: '963333', escalation: 0 });
    await expect.poll(() => row.textContent()).toContain('JH-10001');
    expect(await row.textContent()).toMatch(/escalates in 5:00/);
    expect(await page.locator('#faults tr[data-fault="trapped"]').count()).toBe(1);

    clock.advance(5 * 60_000);
    await page.locator('#tickets tr[data-escalation="1"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('#tickets [data-role="ticket-state"]').textContent()).toBe('escalated 1');
    if (process.env.ELEVGW_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: join(import.meta.dirname, '../../docs/duty-desk.png'), fullPage: true });

    sim.sim.elevator.releaseStall();
    await page.locator('#tickets tr[data-state="resolved"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#tickets [data-role="ticket-timer"]').textContent()).toMatch(/resolved .*\(fault-cleared\)/);
    expect(await page.locator('#faults tr[data-fault]').count()).toBe(0);
    const done = (await store.ticket(raise!.id))!;
    expect(done.transitions.map((t) => [t.kind, t.who])).toEqual([
      ['opened', 'platform'],
      ['escalated', 'platform'],
      ['resolved', 'gateway it-gw'],
    ]);
  });
});
