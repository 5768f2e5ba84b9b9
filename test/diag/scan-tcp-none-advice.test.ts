import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elevgw } from './cli-run.js';

/**
 * `diag scan --tcp HOST:PORT` on a host that accepts the connection but answers no unit id: the
 * verdict gives Modbus TCP advice (the unit id behind a gateway, the port, the device's Modbus TCP
 * server) — not the RS-485 wiring (A/B, 120 Ω termination) there is none of on a TCP connection.
 */
describe('diag scan: no answer from a Modbus TCP host', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let port = 0;

  beforeAll(async () => {
    server = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('gets TCP advice, exit 1', async () => {
    const run = await elevgw(['diag', 'scan', '--tcp', `127.0.0.1:${port}`, '--units', '1-2']);
    expect(run.status).toBe(1);
    const verdict = run.stdout.trim().split('\n').at(-1) ?? '';
    expect(verdict).not.toMatch(/A\/B|termination/);
    expect(verdict).toMatch(/^no device answered .*unit id .*TCP-to-RTU gateway.*port \(\d+; 502 unless HOST:PORT\).*Modbus TCP server is enabled/);
  }, 30_000);
});
