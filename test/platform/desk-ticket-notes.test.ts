import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { FakeClock } from '../../src/core/clock.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';
import type { PlatformStore } from '../../src/platform/store/types.js';
import { rescuePolicy } from '../../src/platform/workflows/rescue.js';
import { launchChromium } from '../helpers/browser.js';
import { type DeskServer, startDeskServer } from '../helpers/desk-server.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The note an operator gives at Close (the page asks for it) is stored with the transition and is
 * what the next operator needs ("passenger released, car locked out"): the ticket's history on the
 * desk shows it, as text — a note is untrusted input, never HTML.
 */
describe('duty desk ticket history', () => {
  const tmp = tempDir('elevgw-notes-');
  const clock = new FakeClock(0, Date.now());
  const TOKEN = 'desk-token-0123456789';
  let desk: DeskServer;
  let store: PlatformStore;
  let base = '';
  let ticketId = '';

  beforeAll(async () => {
    desk = await startDeskServer({ dir: tmp.dir, clock, operators: [{ name: 'duty-officer', token: TOKEN }] });
    ({ store, base } = desk);
    const t = new LightGateway('gw-notes', 1, () => clock.wallNow()).trapped(0);
    await store.ingest([toIngestItem(ingestRoutes('elevgw/v1'), { topic: t.raise.topic, payload: Buffer.from(t.raise.payload), receivedMs: clock.wallNow() })], rescuePolicy());
    ticketId = t.raise.id!;
  });

  afterAll(async () => {
    await desk?.close();
    tmp.cleanup();
  });

  it('shows the note given at Close in the ticket history, as text', async () => {
    const note = 'released at floor 3 <img src=x onerror="document.title=\'owned\'"> & locked out';
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // Close asks for the operator's token, then for the note.
      const answers = [TOKEN, note];
      page.on('dialog', (d) => void d.accept(answers.shift()));
      await page.goto(base);
      const row = page.locator(`tr[data-ticket-id="${ticketId}"]`);
      await row.getByRole('button', { name: 'Close' }).click();
      const resolved = page.locator(`tr[data-ticket-id="${ticketId}"][data-state="resolved"]`);
      await resolved.waitFor({ timeout: 15_000 });
      expect(answers).toEqual([]);

      const stored = (await (await fetch(`${base}/api/tickets/${ticketId}`)).json()) as { transitions: { kind: string; note: string | null }[] };
      expect(stored.transitions.at(-1)).toMatchObject({ kind: 'resolved', note });
      const history = resolved.locator('[data-role="transition"]');
      expect(await history.last().textContent()).toContain('resolved by duty-officer');
      expect(await history.last().locator('[data-role="note"]').textContent()).toBe(note);
      // Shown, not run: no element made of it, the title untouched.
      expect(await resolved.locator('img').count()).toBe(0);
      expect(await page.title()).toBe('elevgw duty desk');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
