import { CHANNELS, MESSAGES, type MessageSpec, STORED_KINDS } from '../../contract/records.js';
import { topics } from '../../contract/topics.js';

/** The kinds of message the platform takes in: the stored record kinds, the status and the info. */
type IngestKind = keyof typeof STORED_KINDS | 'status' | 'info';

export interface Route {
  kind: IngestKind;
  spec: MessageSpec;
  /** Retained on the broker: a shared subscription never delivers retained messages, so each worker subscribes itself. */
  retained: boolean;
  /** e.g. `elevgw/v1/+/elevators/+/events` */
  filter: string;
  match(topic: string): { gatewayId: string; elevatorId: string | null } | undefined;
}

const KIND_OF = new Map<MessageSpec, IngestKind>([
  [STORED_KINDS.event, 'event'],
  [STORED_KINDS.telemetry, 'telemetry'],
  [STORED_KINDS.stats, 'stats'],
  [MESSAGES.status, 'status'],
  [MESSAGES.info, 'info'],
]);

const GATEWAY = '{gatewayId}';
const ELEVATOR = '{elevatorId}';

/**
 * Every topic the gateway publishes on, from the contract's channel table: what the platform
 * subscribes to and how it tells a message's kind, gateway and elevator from its topic. Command
 * responses are for whoever sent the command, not for ingest.
 */
export function ingestRoutes(prefix: string): Route[] {
  const scheme = topics(prefix, GATEWAY);
  return CHANNELS.flatMap((c) => {
    const kind = KIND_OF.get(c.message);
    if (c.action !== 'send' || kind === undefined) return [];
    const address = c.address(scheme);
    const segments = address.split('/');
    const gw = segments.indexOf(GATEWAY);
    const el = segments.indexOf(ELEVATOR);
    return [
      {
        kind,
        spec: c.message,
        retained: c.message.retain,
        filter: segments.map((s) => (s === GATEWAY || s === ELEVATOR ? '+' : s)).join('/'),
        match(topic: string) {
          const parts = topic.split('/');
          if (parts.length !== segments.length) return undefined;
          for (let i = 0; i < segments.length; i++) {
            if (i === gw || i === el) {
              if (parts[i] === '') return undefined;
            } else if (parts[i] !== segments[i]) return undefined;
          }
          return { gatewayId: parts[gw]!, elevatorId: el < 0 ? null : parts[el]! };
        },
      },
    ];
  });
}

export function routeOf(routes: readonly Route[], topic: string): { route: Route; gatewayId: string; elevatorId: string | null } | undefined {
  for (const route of routes) {
    const m = route.match(topic);
    if (m) return { route, ...m };
  }
  return undefined;
}
