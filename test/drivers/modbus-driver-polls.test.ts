import { describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusError } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import { modbusBoardSchema, type ModbusBoardProfile } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { isElevgwError } from '../../src/core/errors.js';
import { createLogger, silentLogger, type Logger } from '../../src/core/log.js';

/** Two poll groups on two tables: status bits every 100 ms, the floor counter every second. */
const board: ModbusBoardProfile = modbusBoardSchema().parse({
  id: 'two-groups',
  transport: 'modbus',
  timeoutMs: 100,
  retries: 2,
  pollGroups: [
    { name: 'fast', intervalMs: 100 },
    { name: 'slow', intervalMs: 1000 },
  ],
  points: [
    { name: 'doorClosed', signal: 'doorClosed', group: 'fast', source: { table: 'holding', address: 3, bit: 0 } },
    { name: 'floor', signal: 'controllerFloor', group: 'slow', source: { table: 'input', address: 40 } },
  ],
  writable: [
    { table: 'coil', address: 3 },
    { table: 'holding', address: 10 },
  ],
});

type Step = 'ok' | 'io' | 'timeout' | { exception: number };

/** A link that answers from a script (then 'ok') and records what it was asked. */
class Scripted implements ModbusLink {
  readonly description = 'scripted';
  readonly busKey = 'scripted';
  reads: ReadBlock[] = [];
  opens = 0;
  failOpens = 0;
  private open_ = false;
  constructor(public script: Step[] = []) {}
  async open() {
    this.opens++;
    if (this.failOpens > 0) {
      this.failOpens--;
      throw new Error('ENOENT: no such tty');
    }
    this.open_ = true;
  }
  async close() {
    this.open_ = false;
  }
  isOpen() {
    return this.open_;
  }
  async read(_unit: number, block: ReadBlock): Promise<BlockResult> {
    this.reads.push(block);
    const step = this.script.shift() ?? 'ok';
    if (step === 'ok') return { block, words: Array(block.count).fill(1) };
    if (step === 'io') throw modbusError('MODBUS_IO', 'port gone');
    if (step === 'timeout') throw modbusError('MODBUS_TIMEOUT', 'no answer');
    throw modbusError('MODBUS_EXCEPTION', `exception ${step.exception}`, step.exception);
  }
  async writeRegister() {}
}

function driver(link: ModbusLink, o: { clock?: FakeClock; bus?: BusQueue; logger?: Logger; profile?: ModbusBoardProfile } = {}) {
  return new ModbusDriver({ board: o.profile ?? board, unitId: 1, link, bus: o.bus ?? new BusQueue(), clock: o.clock ?? new FakeClock(), logger: o.logger ?? silentLogger });
}

const good = (pts: { quality: string }[]) => pts.length > 0 && pts.every((p) => p.quality === 'good');

describe('Modbus driver: poll groups', () => {
  it('reads only the blocks of the group asked for and returns only its points', async () => {
    const link = new Scripted();
    const d = driver(link);
    const slow = await d.poll('slow');
    expect(slow.map((p) => [p.point, p.quality])).toEqual([['floor', 'good']]);
    expect(link.reads).toEqual([{ table: 'input', address: 40, count: 1 }]);
    expect((await d.poll('fast')).map((p) => p.point)).toEqual(['doorClosed']);
  });

  it('an unknown group reads nothing and returns nothing', async () => {
    const link = new Scripted();
    expect(await driver(link).poll('nope')).toEqual([]);
    expect(link.reads).toEqual([]);
  });
});

describe('Modbus driver: exception responses', () => {
  it('asks again when the slave is busy (exception 5 or 6), up to the board retries', async () => {
    for (const busy of [5, 6]) {
      const link = new Scripted([{ exception: busy }, { exception: busy }]);
      expect(good(await driver(link).poll('fast'))).toBe(true);
      expect(link.reads).toHaveLength(3);
    }
  });

  it('takes any other exception as the answer: no retry', async () => {
    for (const code of [1, 2, 3, 4, 11]) {
      const link = new Scripted([{ exception: code }]);
      const d = driver(link);
      expect(good(await d.poll('fast'))).toBe(false);
      expect(link.reads).toHaveLength(1);
      expect(d.health()).toMatchObject({ lastErrorCode: 'MODBUS_EXCEPTION', lastError: expect.stringContaining('holding@3+1') });
    }
  });
});

describe('Modbus driver: a lost port', () => {
  it('counts the lost link once, and touches nothing while it waits to reopen', async () => {
    const clock = new FakeClock();
    const link = new Scripted(['io']);
    const d = driver(link, { clock });
    await d.open();
    await d.poll('fast');
    expect(d.health()).toMatchObject({ state: 'lost', transactions: 1, failures: 1, consecutiveFailures: 1, errorsByCode: { MODBUS_IO: 1 } });
    for (let i = 0; i < 4; i++) {
      clock.advance(100);
      expect(good(await d.poll('fast'))).toBe(false);
    }
    expect(d.health()).toMatchObject({ state: 'lost', transactions: 1, failures: 1 });
    expect(link.reads).toHaveLength(1);
  });

  it('retries the open 0.5, 1, 2, 2 … s apart, so it reads again within 2 s of the port coming back', async () => {
    const clock = new FakeClock();
    const link = new Scripted();
    link.failOpens = Infinity;
    const d = driver(link, { clock });
    const attempts: number[] = [];
    const polled = async () => {
      const before = link.opens;
      const points = await (before === 0 ? d.open().then(() => d.poll('fast')) : d.poll('fast'));
      if (link.opens !== before) attempts.push(clock.now());
      return points;
    };
    await polled();
    expect(d.health()).toMatchObject({ state: 'lost', lastErrorCode: 'MODBUS_IO' });
    while (clock.now() < 10_000) {
      clock.advance(100);
      await polled();
    }
    expect(attempts).toEqual([0, 500, 1500, 3500, 5500, 7500, 9500]);
    link.failOpens = 0; // plugged back in at 10 s
    while (!good(await polled())) clock.advance(100);
    expect(clock.now()).toBe(11_500);
  });
});

describe('Modbus driver: a slave that stops answering', () => {
  it('skips a backed-off slave at once, without waiting for the bus', async () => {
    const bus = new BusQueue();
    const link = new Scripted(Array(9).fill('timeout'));
    const d = driver(link, { bus });
    for (let i = 0; i < 3; i++) await d.poll('fast');
    expect(d.health().state).toBe('lost');
    let release!: () => void;
    const other = bus.run(() => new Promise<void>((r) => (release = r))); // another slave's long transaction
    let skipped: { quality: string }[] | undefined;
    const poll = d.poll('fast').then((p) => (skipped = p));
    await new Promise((r) => setImmediate(r));
    expect(skipped && good(skipped)).toBe(false); // answered while the other transaction still holds the bus
    expect(d.health().skippedPolls).toBe(1);
    release();
    await Promise.all([other, poll]);
  });

  it('a poll that waited for the bus while the slave went quiet is skipped, not sent', async () => {
    const link = new Scripted(Array(9).fill('timeout'));
    const d = driver(link);
    for (let i = 0; i < 2; i++) await d.poll('fast');
    const [third, queued] = await Promise.all([d.poll('fast'), d.poll('fast')]);
    expect([good(third), good(queued)]).toEqual([false, false]);
    expect(link.reads).toHaveLength(9); // 3 polls × 3 attempts; the queued one never reached the link
    expect(d.health().skippedPolls).toBe(1);
  });

  it('logs the back-off once, not at every failed probe', async () => {
    const lines: { msg: string }[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(JSON.parse(l) as { msg: string }) } });
    const clock = new FakeClock();
    const d = driver(new Scripted(Array(30).fill('timeout')), { clock, logger });
    for (let i = 0; i < 60; i++) {
      await d.poll('fast');
      clock.advance(100);
    }
    const backoff = lines.filter((l) => /backing off/.test(l.msg));
    expect(backoff).toEqual([expect.objectContaining({ msg: 'unit 1 not answering: backing off', link: 'scripted', unitId: 1, everyMs: board.backoffMs })]);
    // Every line says which link and slave it is about: a gateway may poll several.
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).toMatchObject({ link: 'scripted', unitId: 1 });
  });
});

describe('Modbus driver: writes', () => {
  it('only the holding register listed is writable; a coil entry at the same address is not', async () => {
    const d = driver(new Scripted());
    for (const address of [3, 11, 9]) {
      const e = await d.writeRegister(address, 1).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isElevgwError(e, 'WRITE_NOT_ALLOWED')).toBe(true);
      expect(isElevgwError(e) && e.context).toEqual({ board: 'two-groups', address });
      expect((e as Error).message).toBe(
        `board "two-groups" does not allow writing holding register ${address} (writable: [{"table":"coil","address":3},{"table":"holding","address":10}])`,
      );
    }
    await expect(d.writeRegister(10, 1)).resolves.toBeUndefined();
  });
});
