import net from 'node:net';
import mqtt from 'mqtt';
import { REG, SIM_REGISTER_COUNT, STATUS_BITS } from '../src/sim/modbus-map.js';

/**
 * The least a Node.js gateway can do for the peer bench's job, as the bench's floor: poll the
 * registers on the same grid over Modbus TCP, judge the same two conditions with no hold, and
 * publish a small QoS 1 event to the same broker at once — no rules engine, no black box, no
 * store, nothing else. What it costs is what the harness, Node.js, mqtt.js and mosquitto cost;
 * elevgw's figures are read against it (`npm run bench -- peer`).
 *
 * Usage: node dist/bench/floor-gateway.js <slave port> <broker url> <period ms>
 */

const [port, url, period] = process.argv.slice(2);
const periodMs = Number(period);
const client = await mqtt.connectAsync(url!, { clientId: 'bench-floor' });
(client.stream as net.Socket).setNoDelay?.(true);
const socket = net.connect({ host: '127.0.0.1', port: Number(port), noDelay: true });
await new Promise((resolve) => socket.once('connect', resolve));

const state = { doorOpenWhileMoving: false, overspeed: false };
function judge(type: keyof typeof state, now: boolean): void {
  if (state[type] === now) return;
  state[type] = now;
  const name = type === 'overspeed' ? 'overspeed' : 'door-open-while-moving';
  client.publish('elevgw/v1/bench-gw/elevators/E1/events', JSON.stringify({ type: name, phase: now ? 'raised' : 'cleared', at: new Date().toISOString() }), { qos: 1 });
}

socket.on('data', (b) => {
  if (b.length < 9 + 2 * SIM_REGISTER_COUNT) return;
  const reg = (i: number) => b.readUInt16BE(9 + 2 * i);
  const speed = (reg(REG.speed) << 16) >> 16;
  const status = reg(REG.status);
  const closed = (status & (1 << STATUS_BITS.doorClosed)) !== 0;
  judge('doorOpenWhileMoving', !closed && Math.abs(speed) > 300);
  judge('overspeed', Math.abs(speed) > 2000);
});

const request = Buffer.from([0, 0, 0, 0, 0, 6, 1, 3, 0, 0, 0, SIM_REGISTER_COUNT]);
let id = 0;
let due = performance.now();
function poll(): void {
  request.writeUInt16BE(++id & 0xffff, 0);
  socket.write(request);
  due += periodMs;
  setTimeout(poll, Math.max(0, due - performance.now()));
}
poll();
process.on('SIGTERM', () => {
  socket.destroy();
  client.end(true, {}, () => process.exit(0));
});
