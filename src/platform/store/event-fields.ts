import type { StoredPayload } from './types.js';

/** The floor label the car showed (the running state), else the floor index the rule measured. */
export function eventFloor(e: StoredPayload<'event'>): string | null {
  const f = e.state?.floor ?? dataField(e, 'floor');
  return f === undefined || f === null ? null : String(f);
}

export function forIdOf(e: StoredPayload<'event'>): string | null {
  const f = e.type === 'blackbox' ? dataField(e, 'forId') : undefined;
  return typeof f === 'string' ? f : null;
}

/** One field of an event's `data`, whatever its type's schema (event-data.ts) says it holds. */
export function dataField(e: StoredPayload<'event'>, key: string): unknown {
  return (e.data as Record<string, unknown> | undefined)?.[key];
}
