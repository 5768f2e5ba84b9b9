import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusError, type ModbusErrorCode } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { isElevgwError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { startModbusRtuServer } from '../../src/sim/modbus-rtu-server.js';
import { FakeCable } from './fake-cable.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml')) as ModbusBoardProfile;
const REGS = [0, 6003, 0, 541, 2, 17];

type Outcome = 'ok' | ModbusErrorCode | 'short' | 'weird';

/** A link whose every read follows a script of outcomes (then answers 'ok'). */
class ScriptedLink implements ModbusLink {
  readonly description = 'scripted';
  readonly busKey: string;
  open_ = false;
  opens = 0;
  reads = 0;
  writes: [number, number][] = [];
  constructor(
    public script: Outcome[] = [],
    key = 'scripted',
  ) {
    this.busKey = key;
  }
  async open() {
    this.opens++;
    this.open_ = true;
  }
  async close() {
    this.open_ = false;
  }
  isOpen() {
    return this.open_;
  }
  async read(_unit: number, block: ReadBlock): Promise<BlockResult> {
    this.reads++;
    const next = this.script.shift() ?? 'ok';
    if (next === 'ok') return { block, words: REGS };
    if (next === 'short') return { block, words: REGS.slice(0, 3) };
    if (next === 'weird') throw 'not even an Error';
    throw modbusError(next, `scripted ${next}`, next === 'MODBUS_EXCEPTION' ? 2 : undefined);
  }
  async writeRegister(_unit: number, address: number, value: number) {
    this.writes.push([address, value]);
  }
}

function driver(link: ModbusLink, clock = new FakeClock(), o: { board?: ModbusBoardProfile; unitId?: number; bus?: BusQueue } = {}) {
  return new ModbusDriver({ board: o.board ?? board, unitId: o.unitId ?? 1, link, clock, logger: silentLogger, bus: o.bus ?? new BusQueue() });
}

const allGood = (pts: { quality: string }[]) => pts.every((p) => p.quality === 'good');
const allBad = (pts: { quality: string }[]) => pts.every((p) => p.quality === 'bad');

describe('Modbus driver: retries and health by error class', () => {
  it('retries a timeout once (board retries: 1) and reads good on the second attempt', async () => {
    const link = new ScriptedLink(['MODBUS_TIMEOUT']);
    const d = driver(link);
    expect(allGood(await d.poll('fast'))).toBe(true);
    expect(link.reads).toBe(2);
    expect(d.health()).toMatchObject({ state: 'ok', transactions: 2, failures: 1, consecutiveFailures: 0, errorsByCode: { MODBUS_TIMEOUT: 1 } });
  });

  it('counts timeouts, CRC errors and exceptions separately; an exception is not retried', async () => {
    const link = new ScriptedLink(['MODBUS_TIMEOUT', 'MODBUS_TIMEOUT', 'MODBUS_CRC', 'MODBUS_CRC', 'MODBUS_EXCEPTION']);
    const d = driver(link);
    for (let i = 0; i < 3; i++) expect(allBad(await d.poll('fast'))).toBe(true);
    expect(link.reads).toBe(5);
    expect(d.health()).toMatchObject({
      state: 'degraded',
      lastErrorCode: 'MODBUS_EXCEPTION',
      consecutiveFailures: 3,
      errorsByCode: { MODBUS_TIMEOUT: 2, MODBUS_CRC: 2, MODBUS_EXCEPTION: 1 },
    });
    expect(link.open_).toBe(true); // none of these is a reason to drop the port
  });

  it('closes a link that failed with an I/O error and reopens it after its back-off', async () => {
    const clock = new FakeClock();
    const link = new ScriptedLink(['MODBUS_IO']);
    const d = driver(link, clock);
    await d.open();
    expect(allBad(await d.poll('fast'))).toBe(true);
    expect([link.open_, d.health().state]).toEqual([false, 'lost']);
    expect(allBad(await d.poll('fast'))).toBe(true); // still inside the back-off: no open attempt
    expect(link.opens).toBe(1);
    clock.advance(500);
    expect(allGood(await d.poll('fast'))).toBe(true);
    expect([link.opens, d.health().state]).toEqual([2, 'ok']);
  });

  it('never throws, whatever the link does, and always returns every point of the group', async () => {
    const outcome = fc.constantFrom<Outcome>('ok', 'short', 'weird', 'MODBUS_TIMEOUT', 'MODBUS_CRC', 'MODBUS_EXCEPTION', 'MODBUS_IO');
    await fc.assert(
      fc.asyncProperty(fc.array(outcome, { maxLength: 40 }), async (script) => {
        const clock = new FakeClock();
        const d = driver(new ScriptedLink([...script]), clock);
        for (let i = 0; i < 20; i++) {
          const points = await d.poll('fast');
          expect(points.map((p) => p.point)).toEqual(board.points.map((p) => p.name));
          clock.advance(100);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Modbus driver: monitoring only', () => {
  it('refuses to write a register the board does not allow-list, without touching the bus', async () => {
    const link = new ScriptedLink();
    const d = driver(link);
    const e = await d.writeRegister(3, 1).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(isElevgwError(e, 'WRITE_NOT_ALLOWED')).toBe(true);
    expect(link.writes).toEqual([]);
  });

  it('writes a register the profile allow-lists', async () => {
    const link = new ScriptedLink();
    const d = driver(link, new FakeClock(), { board: { ...board, writable: [{ table: 'holding', address: 10 }] } });
    await d.writeRegister(10, 7);
    expect(link.writes).toEqual([[10, 7]]);
  });
});

describe('Modbus driver: a dead slave on a shared RS-485 bus', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('is backed off after 3 silent polls and probed every backoffMs, so the live slave keeps the bus', async () => {
    // Real framing over an in-memory cable: the simulator answers unit 1 only; unit 2 is dead.
    const cable = new FakeCable();
    const server = await startModbusRtuServer({ path: 'slave', unitId: 1, readRegisters: () => REGS, openSerial: cable.opener('slave') });
    const ports = new RtuPorts(cable.opener('master'));
    const conn = { path: '/dev/fake-rs485', baudRate: 115200, parity: 'none' as const };
    const fastBoard: ModbusBoardProfile = { ...board, timeoutMs: 20 };
    const clock = new FakeClock();
    const bus = new BusQueue();
    const live = driver(modbusRtuLink(conn, ports), clock, { board: fastBoard, unitId: 1, bus });
    const dead = driver(modbusRtuLink(conn, ports), clock, { board: fastBoard, unitId: 2, bus });
    cleanup.push(
      () => server.close(),
      () => live.close(),
      () => dead.close(),
    );
    await Promise.all([live.open(), dead.open()]);

    let liveGood = 0;
    for (let round = 0; round < 50; round++) {
      // Both poll loops fire together every 100 ms, as two elevators' monitors would.
      const [a, b] = await Promise.all([live.poll('fast'), dead.poll('fast')]);
      if (allGood(a)) liveGood++;
      expect(allBad(b)).toBe(true);
      clock.advance(100);
    }
    expect(liveGood).toBe(50);
    const h = dead.health();
    // 3 polls × 2 attempts until the back-off, then one single-attempt probe per 2 s (5 s → ~2 probes).
    expect(h.transactions).toBeLessThanOrEqual(3 * 2 + 3);
    expect(h.skippedPolls).toBeGreaterThanOrEqual(40);
    expect(h.state).toBe('lost');
    expect(h.errorsByCode).toEqual({ MODBUS_TIMEOUT: h.transactions });
  });

  it('reads good again on the first probe after the slave comes back', async () => {
    const clock = new FakeClock();
    const link = new ScriptedLink(Array(6).fill('MODBUS_TIMEOUT'));
    const d = driver(link, clock);
    for (let i = 0; i < 3; i++) await d.poll('fast');
    expect(d.health().state).toBe('lost');
    const reads = link.reads;
    clock.advance(1000);
    expect(allBad(await d.poll('fast'))).toBe(true);
    expect(link.reads).toBe(reads); // skipped: the bus is not touched
    clock.advance(1000);
    expect(allGood(await d.poll('fast'))).toBe(true);
    expect(d.health().state).toBe('ok');
  });
});
