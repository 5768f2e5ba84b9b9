import { describe, expect, it } from 'vitest';
import { uplinkSchema } from '../../src/config/site.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { MemoryOutbox } from '../../src/outbox/memory.js';
import { PRIORITY } from '../../src/outbox/types.js';
import type { MqttConnect } from '../../src/uplink/client.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { FakeBroker } from '../helpers/fake-broker.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const LEVEL: Record<number, string> = { 30: 'info', 40: 'warn', 50: 'error' };

/**
 * What the uplink writes to the journal is how a technician follows a gateway's connection
 * (`journalctl -u elevgw`): one line per event, with what happened and what it concerned, never
 * the credentials of the URL. Run in sample time against the in-memory broker.
 */
describe('uplink: its log', () => {
  it('tells the connection’s story: the MQTT 5 fallback, online, commands answered and refused, offline with what was in flight, errors', async () => {
    const clock = new FakeClock(0);
    const broker = new FakeBroker(clock, 2, { refuseMqtt5: true });
    const lines: Line[] = [];
    const outbox = new MemoryOutbox();
    let failNext = false;
    const clientIds: unknown[] = [];
    const connect: MqttConnect = (url, opts) => {
      clientIds.push(opts.clientId);
      if (failNext) {
        failNext = false;
        throw new Error('no route to the broker');
      }
      return broker.connect(url, opts);
    };
    const up = new Uplink({
      config: uplinkSchema().parse({ url: 'mqtt://gw1:Pw-in-url-9@broker.test:1883', reconnectMinMs: 1000, reconnectMaxMs: 1000 }),
      gatewayId: 'gw1',
      outbox,
      logger: createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as Line) } }),
      status: () => ({ v: 1, gatewayId: 'gw1', state: 'online' }),
      clock,
      connect,
      random: () => 1,
      onCommand: (name) => {
        if (name === 'reset-baseline') throw new Error('baseline store is read-only');
        return { pong: true };
      },
    });
    up.start();
    await clock.advanceAsync(50);
    broker.send('elevgw/v1/gw1/commands/ping', JSON.stringify({ v: 1, requestId: 'r-1' }));
    broker.send('elevgw/v1/gw1/commands/reset-baseline', JSON.stringify({ v: 1, requestId: 'r-2', args: { elevatorId: 'E1' } }));
    broker.send('elevgw/v1/gw1/commands/ping', 'not json');
    broker.send(`elevgw/v1/gw1/commands/${'x'.repeat(100)}`, '{}'); // a hostile name: cut in the log
    await clock.advanceAsync(50);
    outbox.append([{ id: 'ev-1', kind: 'event', elevatorId: 'E1', priority: PRIORITY.fault, createdAt: 1, payload: '{}' }]);
    up.kick();
    await clock.advanceAsync(3); // published, its PUBACK not yet back
    broker.down();
    failNext = true;
    await clock.advanceAsync(10);
    expect(up.state).toBe('offline');
    await clock.advanceAsync(1500); // the next attempt throws before it reaches the broker
    expect(up.state, 'waiting for the next attempt, not connecting').toBe('offline');
    await clock.advanceAsync(1000); // the one after is refused by the broker, which is down
    const stopping = up.stop(100);
    await clock.advanceAsync(200);
    await stopping;

    expect(JSON.stringify(lines)).not.toContain('Pw-in-url-9');
    expect(lines.map(({ level, msg, time: _t, pid: _p, hostname: _h, app: _a, ...fields }) => [LEVEL[level], msg, fields])).toEqual([
      ['warn', 'broker refuses MQTT 5; falling back to MQTT 3.1.1', { url: 'mqtt://[redacted]@broker.test:1883', err: 'Connection refused: Unacceptable protocol version' }],
      ['info', 'uplink online', { url: 'mqtt://[redacted]@broker.test:1883', mqtt: '3.1.1' }],
      ['info', 'command ping answered', { command: 'ping', requestId: 'r-1', ok: true }],
      ['info', 'command reset-baseline refused', { command: 'reset-baseline', requestId: 'r-2', ok: false, error: 'COMMAND_FAILED' }],
      ['info', 'command ping refused', { command: 'ping', ok: false, error: 'COMMAND_INVALID' }],
      ['info', `command ${'x'.repeat(64)} refused`, { command: 'x'.repeat(64), ok: false, error: 'COMMAND_INVALID' }],
      ['warn', 'uplink offline; pending events stay in the outbox', { inflight: 1 }],
      ['error', 'mqtt connect failed', { err: 'no route to the broker' }],
      ['warn', 'mqtt error', { err: 'connect ECONNREFUSED (fake broker down)' }],
    ]);
    // The broker knows the gateway by a stable id, the same at every attempt (its ACLs may name it).
    expect(new Set(clientIds)).toEqual(new Set(['elevgw-gw1']));
    expect(outbox.stats().pending).toBe(1); // the event whose PUBACK never came stays for the next connection
  });
});
