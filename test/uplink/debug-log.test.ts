import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { built } from '../helpers/built.js';
import { Mosquitto } from '../helpers/mosquitto.js';

/**
 * The uplink hands mqtt.js a logger that does nothing unless DEBUG is set (its debug calls cost
 * ~1 % of the gateway's CPU even when off). A developer tracing packets with DEBUG=mqttjs* must
 * still see them: a child process connects with the uplink's own options and publishes once.
 */
describe('uplink: mqtt.js debug output', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await Mosquitto.start();
  });
  afterAll(async () => {
    await broker.close();
  });

  const publishOnce = (debug: string | undefined) => {
    const script = `
      const { clientOptions } = await import(${JSON.stringify(built('src/uplink/options.ts'))});
      const { mqttConnect } = await import(${JSON.stringify(built('src/uplink/client.ts'))});
      const will = { topic: 't/will', payload: 'gone', qos: 1, retain: false };
      const opts = clientOptions({ url: process.argv[1], credentialsFile: 'credentials', keepaliveS: 30 }, { clientId: 'debug-log', protocol: 4, will });
      const c = mqttConnect(process.argv[1], opts);
      c.on('error', (e) => { console.error(e.message); process.exit(2); });
      c.on('connect', () => c.publish('t/debug', 'x', { qos: 1 }, () => c.end(false, {}, () => process.exit(0))));`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DEBUG;
    if (debug !== undefined) env.DEBUG = debug;
    return spawnSync(process.execPath, ['--input-type=module', '-e', script, broker.url], { encoding: 'utf8', timeout: 60_000, env });
  };

  it('prints mqtt.js packet traces with DEBUG=mqttjs*', () => {
    const r = publishOnce('mqttjs*');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/mqttjs:client publish :: message `x` to topic `t\/debug`/);
  });

  it('prints nothing of mqtt.js without DEBUG', () => {
    const r = publishOnce(undefined);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/mqttjs/);
  });
});
