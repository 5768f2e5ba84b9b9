import { describe, expect, it } from 'vitest';
import { LightGateway } from '../../bench/fleet-messages.js';
import { ingestRoutes } from '../../src/platform/ingest/routes.js';
import { toIngestItem } from '../../src/platform/ingest/validate.js';

/**
 * A dead letter's reason (on /api/dead-letters and the desk) is what the gateway's integrator reads
 * to fix the sender. An event's `data` has one form per phase (a zod union), and zod says only
 * "data: Invalid input" when it fits none: the reason must name the missing field instead.
 */
describe('dead-letter reasons', () => {
  const gw = new LightGateway('gw-dl', 1, () => Date.UTC(2026, 11, 7));
  const reasonOf = (change: (p: Record<string, unknown>) => void) => {
    const m = gw.event(0, { type: 'door-open-too-long', phase: 'raised', severity: 'warning', data: { floor: 3, openS: 120 } });
    const p = JSON.parse(m.payload) as Record<string, unknown>;
    change(p);
    const item = toIngestItem(ingestRoutes('elevgw/v1'), { topic: m.topic, payload: Buffer.from(JSON.stringify(p)), receivedMs: Date.UTC(2026, 11, 7) });
    return item.kind === 'dead' ? item.reason : `stored as ${item.kind}`;
  };

  it('takes the event as it is', () => {
    expect(reasonOf(() => {})).toBe('stored as event');
  });

  it('names the field missing from a union-typed `data`, under its full path, with the other form it could have been', () => {
    expect(reasonOf((p) => (p.data = { openS: 120 }))).toBe(
      'breaks the contract (event): data: fits none of its forms (data.floor: Invalid input: expected number, received undefined, or data.durationS: Invalid input: expected number, received undefined)',
    );
  });

  it('names the one field wrong when one form comes closest', () => {
    expect(reasonOf((p) => Object.assign(p, { phase: 'cleared', data: { durationS: -5 } }))).toBe(
      'breaks the contract (event): data.durationS: Too small: expected number to be >=0',
    );
  });
});
