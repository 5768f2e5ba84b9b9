import { describe, expect, it } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger, silentLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY, type NewRecord } from '../../src/outbox/types.js';
import { Uplink, type UplinkOptions } from '../../src/uplink/uplink.js';
import type { InfoPayload } from '../../src/contract/payloads.js';
import { FakeBroker } from '../helpers/fake-broker.js';

function record(n: number, priority: NewRecord['priority'] = PRIORITY.warning): NewRecord {
  return { id: `id-${String(n).padStart(6, '0')}`, kind: 'event', elevatorId: 'E1', priority, createdAt: 1_700_000_000_000 + n, payload: JSON.stringify({ n }) };
}

/** An uplink on a FakeClock publishing into an in-memory broker: its timing is asserted exactly. */
function rig(config: Record<string, unknown> = {}, random = () => 0.5, extra: Partial<UplinkOptions> = {}) {
  const clock = new FakeClock(0);
  const broker = new FakeBroker(clock, 2);
  const outbox = new MemoryOutbox();
  const up = new Uplink({
    config: uplinkSchema().parse({ url: 'mqtt://broker.test:1883', reconnectMinMs: 1000, reconnectMaxMs: 8000, ...config }),
    gatewayId: 'gw1',
    outbox,
    logger: silentLogger,
    status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
    clock,
    connect: broker.connect,
    random,
    ...extra,
  });
  const events = () => broker.on('elevgw/v1/gw1/elevators/E1/events').map((m) => (JSON.parse(m.payload) as { n: number }).n);
  return { clock, broker, outbox, up, events };
}

describe('uplink in sample time (in-memory broker on a FakeClock)', () => {
  it('given the broker down, retries with exponential back-off and full jitter: half the ceiling each time with random 0.5', async () => {
    const r = rig();
    r.broker.down();
    r.up.start();
    await r.clock.advanceAsync(30_000);
    // Each refusal closes the connection at once; the next attempt waits ½ × min(8000, 1000·2^n).
    const at = r.broker.connectsAt;
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps.slice(0, 6)).toEqual([500, 1000, 2000, 4000, 4000, 4000].map((g) => g + 2)); // + the 2 ms connect latency
    r.broker.up();
    await r.clock.advanceAsync(10_000);
    expect(r.up.state).toBe('online');
    await stop(r);
  });

  it('drains a backlog at drainRatePerS of the clock, and a critical event overtakes it without waiting for a token', async () => {
    const r = rig({ drainRatePerS: 10, inflightWindow: 1 });
    r.outbox.append(Array.from({ length: 30 }, (_, i) => record(i)));
    r.up.start();
    await r.clock.advanceAsync(1_000);
    const inFirstSecond = r.events().length;
    expect(inFirstSecond).toBeGreaterThanOrEqual(9);
    expect(inFirstSecond).toBeLessThanOrEqual(11);
    r.outbox.append([record(999, PRIORITY.critical)]);
    r.up.kick();
    await r.clock.advanceAsync(20);
    expect(r.events().at(-1), 'the critical one went out at once').toBe(999);
    await r.clock.advanceAsync(5_000);
    expect(r.events().filter((n) => n !== 999)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    await stop(r);
  });

  it('given the broker vanishing with events in flight, they stay pending and go out again, same ids, after the reconnect', async () => {
    const r = rig({ inflightWindow: 5 });
    r.up.start();
    await r.clock.advanceAsync(100);
    r.outbox.append([1, 2, 3].map((n) => record(n)));
    r.up.kick();
    await r.clock.advanceAsync(3); // published, PUBACK not back yet (2 ms each way)
    r.broker.down();
    expect(r.outbox.stats().pending, 'nothing acknowledged without its PUBACK').toBe(3);
    await r.clock.advanceAsync(5_000);
    r.broker.up();
    await r.clock.advanceAsync(10_000);
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 3 });
    expect(new Set(r.events())).toEqual(new Set([1, 2, 3]));
    await stop(r);
  });

  it('fresh records sent at once take tokens too: a burst goes out at drainRatePerS, in order; a critical one needs none', async () => {
    const r = rig({ drainRatePerS: 10, inflightWindow: 100 });
    r.up.start();
    await r.clock.advanceAsync(2_000); // online and caught up; the bucket full: one second's worth
    const fresh = (rec: NewRecord) => r.up.deliver([rec], () => r.outbox.append([rec]));
    for (let n = 1; n <= 30; n++) fresh(record(n));
    await r.clock.advanceAsync(20);
    expect(r.events(), 'the ten tokens of the bucket, not the whole burst').toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    fresh(record(999, PRIORITY.critical));
    await r.clock.advanceAsync(20);
    expect(r.events().at(-1), 'the critical one at once, ahead of the rest of the burst').toBe(999);
    expect(r.events()).toHaveLength(11);
    await r.clock.advanceAsync(2_500);
    expect(r.events().filter((n) => n !== 999)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    await stop(r);
  });

  it('a fresh critical event goes in the same call with the bucket empty; the next fresh one waits for a token', async () => {
    // What deliver() hands mqtt.js, in the order and the call it does.
    const sent: number[] = [];
    let broker: FakeBroker | undefined;
    const r = rig({ drainRatePerS: 10, inflightWindow: 100 }, () => 0.5, {
      connect: (url, options) => {
        const client = broker!.connect(url, options);
        const publish = client.publish.bind(client);
        client.publish = (topic, payload, ...rest) => {
          if (topic.endsWith('/events')) sent.push((JSON.parse(String(payload)) as { n: number }).n);
          return publish(topic, payload, ...rest);
        };
        return client;
      },
    });
    broker = r.broker;
    r.up.start();
    await r.clock.advanceAsync(2_000); // online and caught up; the bucket full: ten tokens
    const fresh = (rec: NewRecord) => r.up.deliver([rec], () => r.outbox.append([rec]));
    for (let n = 1; n <= 10; n++) fresh(record(n));
    expect(sent, 'each of the ten in its own call').toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    fresh(record(999, PRIORITY.critical));
    expect(sent.at(-1), 'critical: no token needed, not even a drain tick').toBe(999);
    fresh(record(11));
    expect(sent).toHaveLength(11);
    await r.clock.advanceAsync(100); // one token
    expect(sent.at(-1)).toBe(11);
    await r.clock.advanceAsync(10); // the broker's 2 ms
    expect(r.events()).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), 999, 11]);
    await stop(r);
  });

  it('publishes each elevator’s retained info at connect, again only when it changes (its time fields aside), all of it after a reconnect', async () => {
    let name = 'East lift';
    let at = 0;
    const info = () =>
      ['E1', 'E2'].map((elevatorId) => ({
        elevatorId,
        payload: {
          v: 1,
          gatewayId: 'gw1',
          at: new Date(++at).toISOString(),
          monoMs: at,
          clockSynced: at % 2 === 0,
          elevator: { id: elevatorId },
          name: `${name} ${elevatorId}`,
        } as unknown as InfoPayload,
      }));
    const r = rig({}, () => 0.5, { info });
    const sent = () => ['E1', 'E2'].map((e) => r.broker.on(`elevgw/v1/gw1/elevators/${e}/info`).map((m) => [(JSON.parse(m.payload) as { name: string }).name, m.retain]));
    r.up.publishInfo(); // not connected yet: nothing to send it on
    r.up.start();
    await r.clock.advanceAsync(100);
    expect(sent()).toEqual([[['East lift E1', true]], [['East lift E2', true]]]);
    r.up.publishInfo(); // only the time fields differ
    await r.clock.advanceAsync(100);
    expect(sent().map((s) => s.length)).toEqual([1, 1]);
    name = 'West lift';
    r.up.publishInfo();
    await r.clock.advanceAsync(100);
    expect(sent().map((s) => s.at(-1)?.[0])).toEqual(['West lift E1', 'West lift E2']);
    r.broker.down();
    await r.clock.advanceAsync(100);
    r.broker.up();
    await r.clock.advanceAsync(5_000);
    expect(
      sent().map((s) => s.length),
      'a new connection sends it all again',
    ).toEqual([3, 3]);
    await stop(r);
  });

  it('a record the broker refuses (an MQTT 5 ACL) stays stored, goes again only next round or on a new connection, logged once a round; the rest flows', async () => {
    const lines: { msg: string; id?: string; topic?: string; retryS?: number }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    const r = rig({ reconnectMaxMs: 8000 }, () => 0.5, { logger });
    const telemetry = (n: number): NewRecord => ({ ...record(n, PRIORITY.telemetry), id: `tm-${n}`, kind: 'telemetry' });
    r.up.start();
    await r.clock.advanceAsync(100);
    r.broker.refuse('elevgw/v1/gw1/elevators/+/events');
    r.outbox.append([record(1), record(2)]);
    r.up.kick();
    // Telemetry every 100 ms for 7.5 s: each one drains, and none may take the refused rows along.
    for (let n = 1; n <= 75; n++) {
      await r.clock.advanceAsync(100);
      r.up.deliver([telemetry(n)], () => r.outbox.append([telemetry(n)]));
    }
    await r.clock.advanceAsync(10);
    expect(r.broker.refusals).toHaveLength(2);
    expect(r.broker.on('elevgw/v1/gw1/elevators/E1/telemetry')).toHaveLength(75);
    expect(r.outbox.stats()).toMatchObject({ pending: 2, pendingByKind: { event: 2 } });
    await r.clock.advanceAsync(1_000); // the round of reconnectMaxMs ends: both go once more
    expect(r.broker.refusals).toHaveLength(4);
    const refusedLines = lines.filter((l) => l.msg === 'the broker refused a record; it stays stored and is sent again next round');
    expect(refusedLines.map(({ id, topic, retryS }) => ({ id, topic, retryS }))).toEqual([
      { id: 'id-000001', topic: 'elevgw/v1/gw1/elevators/E1/events', retryS: 8 },
      { id: 'id-000001', topic: 'elevgw/v1/gw1/elevators/E1/events', retryS: 8 },
    ]);
    // The platform fixes its ACL; a new connection sends them at once, same ids.
    r.broker.refuse(undefined);
    r.broker.down();
    r.broker.up();
    await r.clock.advanceAsync(2_000);
    expect(r.events()).toEqual([1, 2]);
    expect(r.outbox.stats().pending).toBe(0);
    await stop(r);
  });

  it('a PUBACK with reason code 0x80 (unspecified error) is a refusal too: held for the round', async () => {
    const r = rig({ reconnectMaxMs: 8000 });
    r.up.start();
    await r.clock.advanceAsync(100);
    r.broker.refuse('elevgw/v1/gw1/elevators/+/events', { code: 0x80, message: 'Publish error: Unspecified error' });
    r.outbox.append([record(1)]);
    r.up.kick();
    for (let n = 1; n <= 20; n++) {
      await r.clock.advanceAsync(100);
      r.up.deliver([{ ...record(100 + n, PRIORITY.telemetry), id: `tm-${n}`, kind: 'telemetry' }], () =>
        r.outbox.append([{ ...record(100 + n, PRIORITY.telemetry), id: `tm-${n}`, kind: 'telemetry' }]),
      );
    }
    expect(r.broker.refusals).toHaveLength(1);
    expect(r.outbox.stats().pendingByKind).toMatchObject({ event: 1 });
    await stop(r);
  });

  it('a publish that failed without a reason code goes again with the next drain, logged, and is delivered once it can be', async () => {
    const lines: { msg: string; id?: string; err?: string }[] = [];
    const logger = createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) } });
    const r = rig({}, () => 0.5, { logger });
    r.up.start();
    await r.clock.advanceAsync(100);
    r.broker.refuse('elevgw/v1/gw1/elevators/+/events', { code: undefined, message: 'socket hang up' });
    r.outbox.append([record(1)]);
    r.up.kick();
    await r.clock.advanceAsync(10);
    r.outbox.append([record(2)]);
    r.up.kick();
    await r.clock.advanceAsync(10);
    expect(r.broker.refusals.length).toBeGreaterThanOrEqual(3); // 1, then 1 again with 2
    expect(lines.filter((l) => l.msg === 'publish failed; will resend')[0]).toMatchObject({ id: 'id-000001', err: 'socket hang up' });
    r.broker.refuse(undefined);
    r.up.kick();
    await r.clock.advanceAsync(10);
    expect(r.events()).toEqual([1, 2]);
    expect(r.outbox.stats().pending).toBe(0);
    await stop(r);
  });

  it('on stop, waits for in-flight PUBACKs, then leaves the retained offline status', async () => {
    const r = rig();
    expect(r.up.state, 'before start').toBe('offline');
    r.up.start();
    await r.clock.advanceAsync(100);
    r.outbox.append([record(1)]);
    r.up.kick();
    await r.clock.advanceAsync(1);
    await stop(r);
    expect(r.outbox.stats().delivered).toBe(1);
    expect(r.broker.retained.get('elevgw/v1/gw1/status')).toContain('"offline"');
    expect([r.up.state, r.broker.connections], 'stopped, its connection closed').toEqual(['stopped', 0]);
  });

  it('on stop, returns as soon as the last PUBACK is in, not at its flush timeout', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(100);
    r.outbox.append([record(1), record(2), record(3)]);
    r.up.kick();
    await r.clock.advanceAsync(1); // three in flight, their PUBACKs 2 ms away
    const from = r.clock.now();
    let stoppedAt: number | undefined;
    const stopping = r.up.stop(3000).then(() => {
      stoppedAt = r.clock.now();
    });
    await r.clock.advanceAsync(5_000);
    await stopping;
    expect(r.outbox.stats()).toMatchObject({ pending: 0, delivered: 3 });
    expect(stoppedAt! - from, 'the PUBACKs and the offline status: a few ms of the broker, not 3 s').toBeLessThan(20);
  });

  it('stop is bounded when the broker stops answering: no PUBACK for the offline status, it returns at its flush timeout and drops the link', async () => {
    const r = rig();
    r.up.start();
    await r.clock.advanceAsync(100);
    r.broker.freeze();
    let stopped = false;
    const stopping = r.up.stop(1000).then(() => {
      stopped = true;
    });
    await r.clock.advanceAsync(990);
    expect(stopped).toBe(false);
    await r.clock.advanceAsync(20);
    await stopping;
    expect([stopped, r.up.state, r.broker.connections]).toEqual([true, 'stopped', 0]);
    // Dropped, not closed: the broker sends the will after the gateway's own offline status.
    const status = r.broker.on('elevgw/v1/gw1/status').map((m) => (JSON.parse(m.payload) as { state: string }).state);
    expect(status).toEqual(['online', 'offline', 'offline']);
  });

  it('takes commands on a QoS 1 subscription only when it has a handler; a response carries the gateway’s boot id and monotonic time', async () => {
    const withHandler = rig({}, () => 0.5, { onCommand: () => ({ pong: true }), bootId: 'boot-1', monoMs: () => 4242 });
    const without = rig();
    for (const r of [withHandler, without]) r.up.start();
    await Promise.all([withHandler, without].map((r) => r.clock.advanceAsync(100)));
    expect(withHandler.broker.subscriptions).toEqual([{ filter: 'elevgw/v1/gw1/commands/+', qos: 1 }]);
    expect(without.broker.subscriptions).toEqual([]);
    withHandler.broker.send('elevgw/v1/gw1/commands/ping', JSON.stringify({ v: 1, requestId: 'r-1' }));
    await withHandler.clock.advanceAsync(100);
    const responses = withHandler.broker.on('elevgw/v1/gw1/responses/ping').map((m) => JSON.parse(m.payload) as Record<string, unknown>);
    expect(responses).toEqual([expect.objectContaining({ requestId: 'r-1', ok: true, result: { pong: true }, bootId: 'boot-1', monoMs: 4242 })]);
    await Promise.all([withHandler, without].map((r) => stop(r)));
  });
});

async function stop(r: ReturnType<typeof rig>): Promise<void> {
  const stopping = r.up.stop();
  await r.clock.advanceAsync(5_000);
  await stopping;
}
