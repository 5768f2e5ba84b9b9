import { describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusError } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import { modbusBoardSchema } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';

/**
 * A controller whose map has holes, as most do: holding registers 200 and 206 exist, 201–205 do
 * not, and a read that touches a missing register is refused with exception 2 (illegal data
 * address), as pymodbus's sparse data block does. The planner joins 200 and 206 into one read
 * (gaps up to 8); the driver must then read the profile's named ranges separately, and the
 * other blocks of the poll (a discrete input) whatever one block answered.
 */
class SparseSlave implements ModbusLink {
  readonly description = 'sparse';
  readonly busKey = 'sparse';
  reads: string[] = [];
  readonly regs = new Map<number, number>([
    [200, 0b110001],
    [206, 215],
  ]);
  readonly discrete = new Map<number, boolean>([[0, false]]);
  async open() {}
  async close() {}
  isOpen() {
    return true;
  }
  async read(_unit: number, block: ReadBlock): Promise<BlockResult> {
    this.reads.push(`${block.table}@${block.address}+${block.count}`);
    const table = block.table === 'discrete' ? this.discrete : this.regs;
    for (let a = block.address; a < block.address + block.count; a++) {
      if (!table.has(a)) throw modbusError('MODBUS_EXCEPTION', `unit 1: exception 2 (illegal data address) at ${a}`, 2);
    }
    const addrs = Array.from({ length: block.count }, (_, i) => block.address + i);
    return block.table === 'discrete' ? { block, bits: addrs.map((a) => this.discrete.get(a)!) } : { block, words: addrs.map((a) => this.regs.get(a)!) };
  }
  async writeRegister() {}
}

const points = [
  { name: 'doorClosed', signal: 'doorClosed', group: 'fast', source: { table: 'holding', address: 200, bit: 0 } },
  { name: 'safetyCircuit', signal: 'safetyCircuit', group: 'fast', source: { table: 'holding', address: 200, bit: 4 } },
  { name: 'cabinTemp', group: 'fast', source: { table: 'holding', address: 206, type: 'int16' }, scale: 0.1 },
  { name: 'mainsFail', signal: 'mainsPower', invert: true, group: 'fast', source: { table: 'discrete', address: 0, type: 'bool' } },
];

const board = (extra: object[] = []) =>
  modbusBoardSchema().parse({
    id: 'sparse-ctl',
    transport: 'modbus',
    pollGroups: [
      { name: 'fast', intervalMs: 100 },
      { name: 'slow', intervalMs: 1000 },
    ],
    points: [...points, ...extra],
  });

function setup(extra: object[] = []) {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(JSON.parse(l) as { level: number; msg: string }) } });
  const link = new SparseSlave();
  const clock = new FakeClock();
  const d = new ModbusDriver({ board: board(extra), unitId: 1, link, clock, logger, bus: new BusQueue() });
  return { d, link, lines, clock };
}

const qualities = (pts: { point: string; quality: string }[]) => pts.map((p) => `${p.point}:${p.quality}`);

describe('Modbus driver: a controller that refuses the addresses between named ones', () => {
  it('reads the named registers apart once the joined read is refused, and keeps doing so', async () => {
    const { d, link, lines, clock } = setup();
    await d.open();
    for (let i = 0; i < 3; i++) {
      const pts = await d.poll('fast');
      expect(qualities(pts)).toEqual(['doorClosed:good', 'safetyCircuit:good', 'cabinTemp:good', 'mainsFail:good']);
      expect(pts.find((p) => p.point === 'cabinTemp')?.value).toBe(215);
      clock.advance(100);
    }
    // The joined read is tried once; from then on only the named ranges.
    expect(link.reads).toEqual(['holding@200+7', 'holding@200+1', 'holding@206+1', 'discrete@0+1', ...Array(2).fill(['holding@200+1', 'holding@206+1', 'discrete@0+1']).flat()]);
    const split = lines.filter((l) => /separately/.test(l.msg));
    expect(split).toHaveLength(1);
    expect(split[0]?.msg).toContain('holding@200+7');
    expect(split[0]?.msg).toContain('holding@200+1, holding@206+1');
    expect(d.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  });

  it('a named register the controller lacks reads bad; the other blocks of the poll are still read', async () => {
    const { d, link } = setup([{ name: 'missing', group: 'fast', source: { table: 'holding', address: 203 } }]);
    await d.open();
    for (let i = 0; i < 4; i++) {
      const pts = await d.poll('fast');
      expect(qualities(pts)).toEqual(['doorClosed:good', 'safetyCircuit:good', 'cabinTemp:good', 'mainsFail:good', 'missing:bad']);
    }
    expect(link.reads.filter((r) => r === 'discrete@0+1')).toHaveLength(4);
    // Refused, not silent: the slave is there, so it is degraded, never backed off as dead.
    expect(d.health()).toMatchObject({ state: 'degraded', lastErrorCode: 'MODBUS_EXCEPTION', skippedPolls: 0 });
  });

  it('says "reads good again" only when the refused block reads, not when another group does', async () => {
    const { d, link, lines, clock } = setup([{ name: 'missing', group: 'fast', source: { table: 'holding', address: 203 } }]);
    await d.open();
    for (let i = 0; i < 5; i++) {
      await d.poll('fast');
      await d.poll('slow'); // no points: a poll that cannot fail
      clock.advance(100);
    }
    expect(lines.filter((l) => l.msg === 'reads good again')).toEqual([]);
    expect(d.health().state).toBe('degraded');
    link.regs.set(203, 1); // the controller's firmware is updated
    await d.poll('fast');
    expect(lines.filter((l) => l.msg === 'reads good again')).toHaveLength(1);
    expect(d.health()).toMatchObject({ state: 'ok', consecutiveFailures: 0 });
  });
});
