import { ElevgwError } from '../core/errors.js';

/**
 * Topic scheme, version 1. One place builds every topic; publish topics are checked
 * for wildcards (a `+` or `#` in an id would otherwise fan out on the broker).
 *
 *   {prefix}/{gatewayId}/status                       retained, QoS 1 — online/offline (last will), health, outbox
 *   {prefix}/{gatewayId}/events                       QoS 1 — gateway-level events (outbox loss, start)
 *   {prefix}/{gatewayId}/elevators/{elevatorId}/events     QoS 1 — faults and events (raised/cleared/instant)
 *   {prefix}/{gatewayId}/elevators/{elevatorId}/telemetry  QoS 0 — real-time running status
 *   {prefix}/{gatewayId}/elevators/{elevatorId}/stats      QoS 1 — hourly/daily statistics
 *   {prefix}/{gatewayId}/elevators/{elevatorId}/info       retained, QoS 1 — the lift's basic information (since 1.1)
 *   {prefix}/{gatewayId}/commands/{name}              subscribed — platform requests (read-only commands)
 *   {prefix}/{gatewayId}/responses/{name}             QoS 1 — answers to them
 */
/** `uplink.topicPrefix` unless configured: the major version is in it, so a v2 can run beside v1. */
export const DEFAULT_TOPIC_PREFIX = 'elevgw/v1';

export interface TopicScheme {
  status: string;
  gatewayEvents: string;
  elevatorEvents(elevatorId: string): string;
  telemetry(elevatorId: string): string;
  stats(elevatorId: string): string;
  info(elevatorId: string): string;
  /** Subscription for the platform: everything of this gateway. */
  all: string;
  /** The gateway's subscription for commands (one level: the command name). */
  commands: string;
  /** Where the platform publishes one command. */
  command(name: string): string;
  commandName(topic: string): string | undefined;
  response(command: string): string;
}

function assertSegment(s: string, what: string): string {
  if (s.length === 0 || /[+#/]/.test(s) || s.includes('\u0000')) throw new ElevgwError('CONFIG_INVALID', `${what} "${s}" cannot be used in an MQTT topic (no +, #, / or empty)`);
  return s;
}

export function topics(prefix: string, gatewayId: string): TopicScheme {
  if (/[+#]/.test(prefix)) throw new ElevgwError('CONFIG_INVALID', `topic prefix "${prefix}" must not contain wildcards`);
  const base = `${prefix.replace(/\/+$/, '')}/${assertSegment(gatewayId, 'gateway id')}`;
  const elev = (id: string) => `${base}/elevators/${assertSegment(id, 'elevator id')}`;
  return {
    status: `${base}/status`,
    gatewayEvents: `${base}/events`,
    elevatorEvents: (id) => `${elev(id)}/events`,
    telemetry: (id) => `${elev(id)}/telemetry`,
    stats: (id) => `${elev(id)}/stats`,
    info: (id) => `${elev(id)}/info`,
    all: `${base}/#`,
    commands: `${base}/commands/+`,
    command: (name) => `${base}/commands/${assertSegment(name, 'command')}`,
    commandName: (topic) => (topic.startsWith(`${base}/commands/`) ? topic.slice(base.length + 10) : undefined),
    // The command topic's last level, whatever it was (one level, so no / + #; possibly empty, which
    // MQTT allows): an empty name, an unknown command, is answered like any other.
    response: (command) => `${base}/responses/${command === '' ? '' : assertSegment(command, 'command')}`,
  };
}
