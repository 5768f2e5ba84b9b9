import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBroker } from '../../src/platform/broker.js';
import { type MqttClientLike, mqttConnect } from '../../src/uplink/client.js';

/**
 * `mqttConnect` on URLs its own TCP path does not take, and on a broker that is not there: a URL
 * WHATWG cannot parse is left to mqtt.js (which still connects), and a refused connection closes
 * the client without throwing, even with no one listening for its errors. Loopback only.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function track(c: MqttClientLike) {
  const seen = { connected: false, closed: false };
  c.on('connect', () => (seen.connected = true));
  c.on('close', () => (seen.closed = true));
  cleanups.push(async () => void c.end(true));
  return seen;
}

describe('uplink connection: URLs left to mqtt.js, and a broker that is not there', () => {
  it('a URL WHATWG cannot parse (mqtt.js can) is mqtt.js’s to use: it connects', async () => {
    const b = await startEmbeddedBroker();
    cleanups.push(() => b.close());
    expect(() => new URL(`mqtt://127.0.0.1:${b.port} x`)).toThrow();
    const seen = track(mqttConnect(`mqtt://127.0.0.1:${b.port} x`, { clientId: 'url-test', reconnectPeriod: 0 }));
    await vi.waitFor(() => expect(seen.connected).toBe(true), { timeout: 5000 });
  });

  it('a refused connection closes the client; its error, with no listener of the caller, throws nowhere', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const c = mqttConnect(`mqtt://127.0.0.1:${port}`, { clientId: 'refused-test', reconnectPeriod: 0 });
    expect((c as unknown as { listenerCount(e: string): number }).listenerCount('error'), 'it listens for its own errors').toBeGreaterThan(0);
    const closed = new Promise<void>((resolve) => c.on('close', resolve));
    cleanups.push(async () => void c.end(true));
    await expect(closed).resolves.toBeUndefined();
  });
});
