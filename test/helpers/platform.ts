import mqtt from 'mqtt';
import { expect, vi } from 'vitest';

export interface Arrival {
  /** Position in the order the platform received messages (0, 1, 2 …). */
  index: number;
  topic: string;
  id: string;
  payload: string;
}

/**
 * The district platform as the tests see it: one MQTT subscriber that records every event it
 * receives, in order, across broker restarts (it reconnects and `ready()` resubscribes).
 */
export class Platform {
  readonly arrivals: Arrival[] = [];
  /** id → every arrival of it. */
  readonly byId = new Map<string, Arrival[]>();
  /** `online` status documents received (each connect of the gateway publishes one). */
  onlineStatuses = 0;
  /** Called synchronously on each event, e.g. to kill a gateway at an exact point of a drain. */
  onEvent?: (a: Arrival) => void;
  /** Called synchronously on each `online` status, i.e. the moment a gateway has connected. */
  onOnline?: () => void;

  private constructor(
    private readonly client: mqtt.MqttClient,
    private readonly topics: string[],
    private readonly qos: 0 | 1,
  ) {
    client.on('message', (topic, p) => {
      const payload = p.toString();
      if (topic.endsWith('/status')) {
        if ((JSON.parse(payload) as { state?: string }).state === 'online') {
          this.onlineStatuses++;
          this.onOnline?.();
        }
        return;
      }
      const a: Arrival = { index: this.arrivals.length, topic, id: (JSON.parse(payload) as { id: string }).id, payload };
      this.arrivals.push(a);
      const list = this.byId.get(a.id);
      if (list) list.push(a);
      else this.byId.set(a.id, [a]);
      this.onEvent?.(a);
    });
  }

  /**
   * Subscribes to a gateway's events (and its status). A QoS 0 subscription suits tests that crash
   * the broker: the subscriber then sends no PUBACKs, so a killed broker's socket closes cleanly and
   * what it already wrote to us is not thrown away by a reset.
   */
  static async connect(url: string, gatewayId: string, opts: { qos?: 0 | 1; clientId?: string } = {}): Promise<Platform> {
    const client = await mqtt.connectAsync(url, { clientId: opts.clientId ?? `platform-${gatewayId}-${process.pid}`, reconnectPeriod: 100, connectTimeout: 5000 });
    const topics = [`elevgw/v1/${gatewayId}/events`, `elevgw/v1/${gatewayId}/elevators/+/events`, `elevgw/v1/${gatewayId}/status`];
    const platform = new Platform(client, topics, opts.qos ?? 1);
    await platform.ready();
    return platform;
  }

  /** Connected and subscribed (SUBACK received): from now on nothing published to the broker passes us by. */
  async ready(): Promise<void> {
    await vi.waitFor(() => expect(this.client.connected).toBe(true), { timeout: 10_000, interval: 20 });
    await this.client.subscribeAsync(this.topics, { qos: this.qos });
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Ids received more than once. */
  duplicated(): string[] {
    return [...this.byId].filter(([, list]) => list.length > 1).map(([id]) => id);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
