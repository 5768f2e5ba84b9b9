import mqtt, { type MqttClient } from 'mqtt';
import { type FleetMessage, LightGateway } from './fleet-messages.js';

/** What the fleet sent, by kind, for checking what the platform stored. */
export interface Sent {
  events: Set<string>;
  telemetry: Set<string>;
  /** Trapped raises that were followed by a black-box follow-up naming them. */
  blackboxRaises: Map<string, { gatewayId: string; followUpId: string }>;
  /** Publish time (ms) per record id: the start of "publish → commit". */
  publishedAt: Map<string, number>;
}

/**
 * N light gateways, each on its own MQTT connection with the contract's last will (retained
 * `offline` status), publishing with the QoS and retain flags of the contract table. The broker's
 * PUBACK to a QoS 1 publish is awaited, as a real gateway's uplink does before it forgets a record.
 */
export class Fleet {
  readonly sent: Sent = { events: new Set(), telemetry: new Set(), blackboxRaises: new Map(), publishedAt: new Map() };
  /** Telemetry at QoS 1 too: a broker queues only QoS 1 for a session that is away (the benchmark's backlog). */
  allQos1 = false;

  private constructor(
    readonly gateways: LightGateway[],
    private readonly clients: MqttClient[],
  ) {}

  static async connect(url: string, n: number, opts: { lifts?: number; prefix?: string; idPrefix?: string } = {}): Promise<Fleet> {
    const gateways = Array.from({ length: n }, (_, i) => new LightGateway(`${opts.idPrefix ?? 'fleet-gw'}${String(i).padStart(5, '0')}`, opts.lifts ?? 2, Date.now, opts.prefix));
    const clients: MqttClient[] = [];
    // A few at a time: a broker (and a 2-core machine) takes a burst of hundreds of CONNECTs badly.
    for (let i = 0; i < gateways.length; i += 50) {
      clients.push(
        ...(await Promise.all(
          gateways.slice(i, i + 50).map((g) => {
            const will = g.status('offline');
            return mqtt.connectAsync(url, {
              clientId: `light-${g.gatewayId}`,
              protocolVersion: 5,
              reconnectPeriod: 500,
              will: { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos, retain: will.retain },
            });
          }),
        )),
      );
    }
    return new Fleet(gateways, clients);
  }

  async publish(i: number, m: FleetMessage): Promise<void> {
    const at = Date.now();
    await this.clients[i]!.publishAsync(m.topic, m.payload, { qos: this.allQos1 ? 1 : m.qos, retain: m.retain });
    if (m.id === undefined) return;
    this.sent.publishedAt.set(m.id, at);
    if (m.kind === 'event') this.sent.events.add(m.id);
    if (m.kind === 'telemetry') this.sent.telemetry.add(m.id);
  }

  /** Raw bytes on a topic, e.g. a malformed message a test injects on purpose. */
  async publishRaw(i: number, topic: string, payload: string | Buffer): Promise<void> {
    await this.clients[i]!.publishAsync(topic, payload, { qos: 1 });
  }

  /** A trapped raise, its black-box follow-up and (later) its clear — recorded for the join check. */
  async trapped(i: number, lift: number): Promise<() => Promise<void>> {
    const g = this.gateways[i]!;
    const t = g.trapped(lift);
    await this.publish(i, t.raise);
    await this.publish(i, t.followUp);
    this.sent.blackboxRaises.set(t.raise.id!, { gatewayId: g.gatewayId, followUpId: t.followUp.id! });
    return () => this.publish(i, t.clear());
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync(true)));
  }
}

/**
 * One round of the realistic mix for every gateway: telemetry for each lift; every few rounds a
 * warning episode (door open too long) and an alarm press somewhere; a trapped passenger with its
 * black box now and then, cleared a round later. Rounds are what the caller paces (10 s in a real
 * fleet; faster in tests and the benchmark).
 */
export async function fleetRound(fleet: Fleet, round: number, concurrency = 64, slice: [number, number] = [0, fleet.gateways.length]): Promise<void> {
  const pending: (() => Promise<void>)[] = [];
  fleet.gateways.forEach((g, i) => {
    if (i < slice[0] || i >= slice[1]) return;
    pending.push(async () => {
      for (let lift = 0; lift < g.lifts; lift++) await fleet.publish(i, g.telemetry(lift));
      if ((round + i) % 4 === 0) {
        await fleet.publish(i, g.event(0, { type: 'door-open-too-long', phase: 'raised', severity: 'warning', data: { floor: 2, openS: 60 } }));
        await fleet.publish(i, g.event(0, { type: 'alarm-pressed', phase: 'instant', severity: 'warning', data: { floor: 2, inZone: true, occupied: true } }));
        await fleet.publish(i, g.event(0, { type: 'door-open-too-long', phase: 'cleared', severity: 'warning', data: { durationS: 75 } }));
      }
      if ((round + i) % 10 === 3) {
        const clear = await fleet.trapped(i, g.lifts - 1);
        await clear();
      }
    });
  });
  await runLimited(pending, concurrency);
}

async function runLimited(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}
