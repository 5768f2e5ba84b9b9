import { describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { modbusError } from '../../drivers/modbus/errors.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import { modbusBoardSchema } from '../../src/config/board.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';

/**
 * docs/modbus.md "Dead slave back-off": after backoffAfterFailures (3) polls in a row "without any
 * answer" a slave is probed only every backoffMs and its points read bad in between.
 * A slave that answers every poll (its holding block) but times out on one other block of the
 * same group is treated as dead: backed off, health `lost`, and the block it does answer is then
 * read only once every 2 s.
 */
const board = modbusBoardSchema().parse({
  id: 'two-blocks',
  transport: 'modbus',
  timeoutMs: 100,
  retries: 1,
  pollGroups: [{ name: 'fast', intervalMs: 100 }],
  points: [
    { name: 'doorClosed', signal: 'doorClosed', group: 'fast', source: { table: 'holding', address: 3, bit: 0 } },
    { name: 'floor', signal: 'controllerFloor', group: 'fast', source: { table: 'input', address: 40 } },
  ],
});

class HalfAnswering implements ModbusLink {
  readonly description = 'half';
  readonly busKey = 'half';
  async open() {}
  async close() {}
  isOpen() {
    return true;
  }
  async read(_unit: number, block: ReadBlock): Promise<BlockResult> {
    if (block.table === 'input') throw modbusError('MODBUS_TIMEOUT', 'no answer');
    return { block, words: Array(block.count).fill(1) };
  }
  async writeRegister() {}
}

describe('dead-slave back-off of a slave that does answer', () => {
  it('a slave that answers every poll is never backed off; the block it answers keeps reading good', async () => {
    const clock = new FakeClock();
    const d = new ModbusDriver({ board, unitId: 1, link: new HalfAnswering(), bus: new BusQueue(), clock, logger: silentLogger });
    await d.open();
    for (let i = 0; i < 5; i++) {
      const pts = await d.poll('fast');
      expect(pts.find((p) => p.point === 'doorClosed')?.quality, `poll ${i + 1}`).toBe('good');
      clock.advance(100);
    }
    expect(d.health().state).not.toBe('lost');
  });
});
