import { describe, expect, it } from 'vitest';
import { liveness } from '../../src/platform/workflows/liveness.js';

/**
 * docs/platform.md: a gateway is `offline` after its last will (or a clean stop), `silent` when it
 * says online but nothing has arrived for --silence seconds, `online` otherwise, `unknown` before
 * any status. One heard only by its records, then quiet, has said nothing about itself: unknown,
 * not silent.
 */
describe('liveness on the duty desk', () => {
  const silence = 60_000;
  it.each([
    ['offline', { status: 'offline', lastSeenMs: 119_000 }, 'offline'],
    ['online, heard within the silence', { status: 'online', lastSeenMs: 61_000 }, 'online'],
    ['online, quiet for longer', { status: 'online', lastSeenMs: 59_000 }, 'silent'],
    ['no status yet, heard lately', { status: null, lastSeenMs: 119_000 }, 'unknown'],
    ['no status yet, quiet for longer', { status: null, lastSeenMs: 0 }, 'unknown'],
  ] as const)('%s', (_, g, want) => {
    expect(liveness(g, 120_000, silence)).toBe(want);
  });
});
