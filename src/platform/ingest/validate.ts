import { describeIssues } from '../../contract/issues.js';
import type { IngestItem } from '../store/types.js';
import { type Route, routeOf } from './routes.js';

export interface Arrival {
  topic: string;
  payload: Buffer;
  receivedMs: number;
  /** Set when the broker delivered a retained copy because this worker subscribed (MQTT retain flag). */
  retainedSince?: number;
}

/**
 * A message from the wire as the store takes it: valid against the contract table's schema for its
 * topic, and naming the same gateway and elevator as its topic — or a dead letter saying why not.
 * Nothing here throws: a sender cannot crash a worker.
 *
 * The payload kept is the JSON as received, not zod's output: objects are open (docs/contract.md,
 * Versions) and zod drops the fields it does not know, so a newer gateway's fields would be lost
 * from the evidence. The payload schemas of the contract have no defaults or transforms, so what
 * passed them has every field, of the type, the parsed payload would have.
 */
export function toIngestItem(routes: readonly Route[], a: Arrival): IngestItem {
  const dead = (reason: string): IngestItem => ({ kind: 'dead', topic: a.topic, receivedMs: a.receivedMs, reason, raw: a.payload });
  const found = routeOf(routes, a.topic);
  if (!found) return dead('not a topic of the contract');
  let json: unknown;
  try {
    json = JSON.parse(a.payload.toString('utf8'));
  } catch (e) {
    return dead(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = found.route.spec.schema.safeParse(json);
  if (!parsed.success) return dead(`breaks the contract (${found.route.kind}): ${describeIssues(parsed.error.issues)}`);
  const payload = json as { gatewayId: string; elevator?: { id: string } | null };
  if (payload.gatewayId !== found.gatewayId) return dead(`payload gatewayId "${payload.gatewayId}" is not the topic's "${found.gatewayId}"`);
  const elevatorId = payload.elevator?.id ?? null;
  if (elevatorId !== found.elevatorId) return dead(`payload elevator "${elevatorId}" is not the topic's "${found.elevatorId}"`);
  const base = { topic: a.topic, receivedMs: a.receivedMs };
  const retained = a.retainedSince === undefined ? {} : { retained: { subscribedMs: a.retainedSince } };
  switch (found.route.kind) {
    case 'status':
      return { ...base, kind: 'status', gatewayId: found.gatewayId, payload: json as never, ...retained };
    case 'info':
      return { ...base, kind: 'info', payload: json as never, ...retained };
    default:
      return { ...base, kind: found.route.kind, payload: json as never };
  }
}
