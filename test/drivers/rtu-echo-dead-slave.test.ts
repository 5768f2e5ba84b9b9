import { afterEach, describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import { modbusBoardSchema } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { FakeCable } from './fake-cable.js';
import { failure } from './coded-failure.js';

/**
 * docs/modbus.md: the own RTU framing exists because "a local echo from an RS-485 adapter whose
 * receiver is always on is taken for the response"; "echo and leading noise are skipped";
 * MODBUS_TIMEOUT = no answer, MODBUS_CRC = bytes came back but no frame passed the check; a slave
 * is backed off after 3 polls "without any answer".
 * On an echoing adapter a slave that never answers is reported as MODBUS_CRC (the echo counts as
 * "bytes received"), so it is never backed off and keeps taking the bus from the other slaves.
 */
const settings = { path: '/dev/fake-rs485', baudRate: 115200, parity: 'none' as const };
const board = modbusBoardSchema().parse({
  id: 'one-block',
  transport: 'modbus',
  timeoutMs: 30,
  retries: 0,
  pollGroups: [{ name: 'fast', intervalMs: 100 }],
  points: [{ name: 'doorClosed', signal: 'doorClosed', group: 'fast', source: { table: 'holding', address: 3, bit: 0 } }],
});

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('RTU master on an adapter that echoes its own request, slave silent', () => {
  it('a slave that never answers fails with MODBUS_TIMEOUT, not MODBUS_CRC', async () => {
    const cable = new FakeCable({ echoAt: 'master' }); // no slave end at all: nobody answers
    const link = modbusRtuLink(settings, new RtuPorts(cable.opener('master')));
    await link.open();
    cleanup.push(() => link.close());
    const e = await failure(link.read(1, { table: 'holding', address: 0, count: 6 }, 30));
    expect(e.code).toBe('MODBUS_TIMEOUT');
  });

  it('the silent slave is backed off after backoffAfterFailures (3) polls', async () => {
    const cable = new FakeCable({ echoAt: 'master' });
    const link = modbusRtuLink(settings, new RtuPorts(cable.opener('master')));
    const d = new ModbusDriver({ board, unitId: 1, link, bus: new BusQueue(), clock: new FakeClock(), logger: silentLogger });
    await d.open();
    cleanup.push(() => d.close());
    for (let i = 0; i < 3; i++) await d.poll('fast');
    expect(d.health()).toMatchObject({ state: 'lost' });
    const before = cable.end('master')!.written.length;
    await d.poll('fast'); // backed off: must not touch the bus
    expect(cable.end('master')!.written.length).toBe(before);
  });
});
