import mqtt, { type MqttClient } from 'mqtt';
import { payloadSchemas } from '../contract/payloads.js';

const { eventPayloadSchema, infoPayloadSchema, statusPayloadSchema, telemetryPayloadSchema } = payloadSchemas();

/**
 * A small stand-in for the district platform: subscribes to everything under a prefix,
 * validates payloads against the contract and renders one readable line per message.
 */
export interface PlatformMessage {
  topic: string;
  kind: 'event' | 'telemetry' | 'status' | 'stats' | 'info' | 'command' | 'response' | 'invalid';
  payload: unknown;
}

export interface PlatformConsumer {
  messages: PlatformMessage[];
  close(): Promise<void>;
}

/** One readable line per message; a payload that breaks the contract is shown as such, never thrown. */
export function formatMessage(m: PlatformMessage): string | undefined {
  try {
    return render(m);
  } catch {
    return `invalid ${m.kind} payload on ${m.topic} (does not match contract v1)`;
  }
}

function render(m: PlatformMessage): string | undefined {
  const p = m.payload as Record<string, unknown>;
  if (m.kind === 'event') {
    const e = eventPayloadSchema.parse(p);
    const time = e.at.slice(11, 19);
    const who = e.elevator ? `${e.elevator.id} (${e.elevator.registrationCode})` : `gateway ${e.gatewayId}`;
    const floor = e.state?.floor !== undefined ? ` floor ${e.state.floor ?? '?'}` : '';
    const mark = e.phase === 'raised' ? '!!' : e.phase === 'cleared' ? 'ok' : '--';
    const code = e.code ? ` [${e.code}]` : '';
    if (e.type === 'blackbox') {
      const rows = e.blackbox?.rows.length ?? 0;
      return `${time}    ${who} black box: ${rows} snapshots after ${String(e.data?.for ?? 'the fault')}`;
    }
    return `${time} ${mark} ${who} ${e.type}${e.name ? ` ${e.name}` : ''}${code} ${e.phase} (${e.severity})${floor}`;
  }
  if (m.kind === 'telemetry') {
    const t = telemetryPayloadSchema.parse(p);
    const s = t.state;
    const speed = s.speedMps !== undefined ? `${s.speedMps === null ? '?' : s.speedMps.toFixed(2)} m/s` : '';
    const faults = t.activeFaults.length ? ` faults: ${t.activeFaults.join(',')}` : '';
    return `${t.at.slice(11, 19)}    ${t.elevator.id} floor ${s.floor ?? '?'} ${s.direction ?? ''} ${speed} door ${s.door ?? '?'}${s.occupied ? ' occupied' : s.occupied === null ? ' occupied?' : ''}${faults}`;
  }
  if (m.kind === 'status') {
    const s = statusPayloadSchema.parse(p);
    const ob = s.outbox ? ` outbox pending ${s.outbox.pending}, delivered ${s.outbox.delivered}` : '';
    return `${(s.at ?? '').slice(11, 19) || '--:--:--'}    gateway ${s.gatewayId} ${s.state}${ob}`;
  }
  if (m.kind === 'info') {
    const i = infoPayloadSchema.parse(p);
    return `${i.at.slice(11, 19)}    ${i.elevator.id} (${i.elevator.registrationCode}) ${i.name ?? ''}: ${i.floors.length} floors, ${i.ratedSpeedMps} m/s, board ${i.board.id}, elevgw ${i.softwareVersion}`;
  }
  if (m.kind === 'invalid') return `invalid payload on ${m.topic}`;
  return undefined;
}

/** What a topic of the contract (src/contract/topics.ts) carries. */
function kindOf(topic: string): PlatformMessage['kind'] {
  const segments = topic.split('/');
  if (segments.at(-2) === 'commands') return 'command';
  if (segments.at(-2) === 'responses') return 'response';
  if (topic.endsWith('/status')) return 'status';
  if (topic.endsWith('/telemetry')) return 'telemetry';
  if (topic.endsWith('/stats')) return 'stats';
  if (topic.endsWith('/info')) return 'info';
  return 'event';
}

export async function startPlatformConsumer(url: string, prefix: string, onMessage?: (m: PlatformMessage) => void): Promise<PlatformConsumer> {
  const client: MqttClient = await mqtt.connectAsync(url, { clientId: `platform-${process.pid}-${Math.floor(Math.random() * 1e6)}`, reconnectPeriod: 500 });
  const messages: PlatformMessage[] = [];
  client.on('message', (topic, buf) => {
    let payload: unknown;
    let kind = kindOf(topic);
    try {
      payload = JSON.parse(buf.toString('utf8'));
    } catch {
      kind = 'invalid';
      payload = buf.toString('utf8');
    }
    const m = { topic, kind, payload };
    messages.push(m);
    onMessage?.(m);
  });
  await client.subscribeAsync(`${prefix}/#`, { qos: 1 });
  return {
    messages,
    async close() {
      await client.endAsync();
    },
  };
}
