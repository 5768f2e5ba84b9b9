import { afterEach, describe, expect, it } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { PRIORITY } from '../../src/outbox/types.js';
import { clientOptions } from '../../src/uplink/options.js';
import { rec, rig } from '../helpers/uplink-rig.js';

/**
 * What mqtt.js is told for one connection (src/uplink/options.ts, protocol.ts): a clean session
 * without reconnect or offline queue, the version asked for explicitly (3.1.1 after a fallback,
 * with no MQTT 5 properties anywhere), credentials only when configured, mqtt.js's debug logging
 * switched off unless DEBUG is set; and what each publish carries — JSON properties on MQTT 5,
 * an expiry on telemetry only when telemetry runs.
 */
const will = { topic: 'elevgw/v1/gw1/status', payload: '{"state":"offline"}', qos: 1 as const, retain: true };
const config = (extra: Record<string, unknown> = {}) => uplinkSchema().parse({ url: 'mqtt://broker.test:1883', ...extra });
const debug = process.env.DEBUG;
afterEach(() => {
  if (debug === undefined) delete process.env.DEBUG;
  else process.env.DEBUG = debug;
});

describe('uplink: the options of a connection', () => {
  it('MQTT 5: a clean session, no reconnect and no offline queue, the will with JSON properties, no username unless configured', () => {
    delete process.env.DEBUG;
    const o = clientOptions(config(), { clientId: 'elevgw-gw1', protocol: 5, will });
    expect(o).toMatchObject({ protocolVersion: 5, clientId: 'elevgw-gw1', clean: true, reconnectPeriod: 0, queueQoSZero: false, keepalive: 30 });
    expect(o.will).toEqual({ ...will, payload: Buffer.from(will.payload), properties: { contentType: 'application/json', payloadFormatIndicator: true } });
    expect(o).not.toHaveProperty('username');
    expect(o).not.toHaveProperty('password');
  });

  it('3.1.1 after a fallback: asked for explicitly, and no MQTT 5 properties, the will’s included', () => {
    const o = clientOptions(config({ username: 'gw1' }), { clientId: 'elevgw-gw1', protocol: 4, will });
    expect(o.protocolVersion).toBe(4);
    expect(o).not.toHaveProperty('properties');
    expect(o.will).not.toHaveProperty('properties');
    expect(o.username).toBe('gw1');
  });

  it('mqtt.js’s debug logging is a no-op unless DEBUG is set, when mqtt.js keeps its own', () => {
    delete process.env.DEBUG;
    const quiet = clientOptions(config(), { clientId: 'x', protocol: 5, will });
    expect(quiet.log).toBeTypeOf('function');
    expect(quiet.log?.('a debug line')).toBeUndefined();
    process.env.DEBUG = 'mqttjs*';
    expect(clientOptions(config(), { clientId: 'x', protocol: 5, will })).not.toHaveProperty('log');
  });
});

describe('uplink: what each publish carries', () => {
  const sentProperties = async (telemetryIntervalS: number) => {
    const r = rig({ telemetryIntervalS });
    r.outbox.append([rec(1), rec(2, PRIORITY.telemetry, 'telemetry')]);
    r.up.start();
    await r.clock.advanceAsync(2000);
    return r.broker.accepted.filter((m) => m.payload.includes('"n"')).map((m) => [m.topic.split('/').pop(), m.properties]);
  };
  const json = { contentType: 'application/json', payloadFormatIndicator: true };

  it('on MQTT 5, JSON properties on every record; telemetry expires after twice its period', async () => {
    expect(await sentProperties(15)).toStrictEqual([
      ['events', json],
      ['telemetry', { ...json, messageExpiryInterval: 30 }],
    ]);
  });

  it('with telemetry off, a telemetry row still stored goes without an expiry', async () => {
    expect(await sentProperties(0)).toStrictEqual([
      ['events', json],
      ['telemetry', json],
    ]);
  });
});
