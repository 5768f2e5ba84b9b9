import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';
import { Mosquitto } from '../helpers/mosquitto.js';

/**
 * Nagle's algorithm off on the uplink's socket: without it a QoS 1 event that follows a telemetry
 * message within the broker's delayed-ACK time leaves tens of milliseconds late. Checked the way
 * the kernel sees it — strace records the setsockopt of a child process that connects with the
 * uplink's own MqttConnect to a real mosquitto.
 */
describe('uplink socket: TCP_NODELAY', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker.close();
  });

  it('sets TCP_NODELAY on the connection mqttConnect makes, once connected', () => {
    const script = `
      const { mqttConnect } = await import(${JSON.stringify(built('src/uplink/client.ts'))});
      const c = mqttConnect(process.argv[1], { reconnectPeriod: 0, connectTimeout: 10000 });
      c.on('error', (e) => { console.error(e.message); process.exit(2); });
      c.on('connect', () => setImmediate(() => c.publish('t/nodelay', 'x', { qos: 1 }, () => c.end(false, {}, () => process.exit(0)))));`;
    const r = spawnSync('strace', ['-f', '-e', 'trace=setsockopt', process.execPath, '--input-type=module', '-e', script, broker.url], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/setsockopt\(\d+, SOL_TCP, TCP_NODELAY, \[1\], 4\) = 0/);
  });
});
