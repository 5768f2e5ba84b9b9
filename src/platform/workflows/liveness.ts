import type { GatewayRow } from '../store/types.js';

/**
 * What the duty desk says of a gateway: `offline` when its last status is the last will (or a
 * clean shutdown); `silent` when it claims to be online but nothing — telemetry, events, status —
 * has arrived for `silenceMs` (a hung process, a half-open link the broker has not noticed yet);
 * `online` otherwise; `unknown` before any status arrived.
 */
export type Liveness = 'online' | 'offline' | 'silent' | 'unknown';

/** Three telemetry periods (10 s) and a status period (30 s) with margin. */
export const DEFAULT_SILENCE_S = 60;

export function liveness(g: Pick<GatewayRow, 'status' | 'lastSeenMs'>, nowMs: number, silenceMs: number): Liveness {
  if (g.status === 'offline') return 'offline';
  // Only a gateway that said it is online can fall silent; one heard only by its records has said nothing yet.
  if (g.status !== 'online') return 'unknown';
  return nowMs - g.lastSeenMs > silenceMs ? 'silent' : 'online';
}
