import { describe, expect, it } from 'vitest';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { isElevgwError } from '../../src/core/errors.js';
import { outboxContract } from './contract.js';

outboxContract('MemoryOutbox', (opts) => new MemoryOutbox(opts));

describe('MemoryOutbox', () => {
  it('has no size cap unless given one', () => {
    const o = new MemoryOutbox();
    o.append([{ id: 'a', kind: 'telemetry', elevatorId: 'E1', priority: 5, createdAt: 0, payload: 'x'.repeat(1_000_000) }]);
    expect(o.maintain(0)).toEqual({ purged: 0, evicted: 0, evictedByKind: {} });
  });

  it('rejects nonsensical limits and use after close as programmer errors', () => {
    expect(() => new MemoryOutbox({ maxBytes: 0 })).toThrow(/maxBytes/);
    const o = new MemoryOutbox();
    o.close();
    let thrown: unknown;
    try {
      o.next(1);
    } catch (e) {
      thrown = e;
    }
    expect(isElevgwError(thrown)).toBe(true);
  });
});
