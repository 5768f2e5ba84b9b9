import type { BoardProfile, PointDef } from '../../src/config/board.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import { busFor, type BusQueue } from '../bus-queue.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import type { ModbusLink } from './link.js';
import { decodeGroup, planReads, type BlockResult, type ReadBlock } from './plan.js';

export interface ModbusDriverOptions {
  board: BoardProfile;
  unitId: number;
  link: ModbusLink;
  clock: Clock;
  logger: Logger;
  /** Reopen back-off after a lost connection, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  bus?: BusQueue;
}

/** Error class from a modbus-serial failure, as a stable code. */
export function classify(e: unknown): 'MODBUS_TIMEOUT' | 'MODBUS_EXCEPTION' | 'MODBUS_IO' {
  const err = e as { errno?: string; modbusCode?: number; message?: string };
  if (err?.modbusCode !== undefined) return 'MODBUS_EXCEPTION';
  if (err?.errno === 'ETIMEDOUT' || /timed out/i.test(err?.message ?? '')) return 'MODBUS_TIMEOUT';
  return 'MODBUS_IO';
}

/**
 * Reads a board's poll groups over one Modbus link. Never throws from poll(): failures
 * turn the group's points 'bad', are counted in health, and a lost link is reopened with back-off.
 */
export class ModbusDriver implements Driver {
  readonly kind = 'modbus';
  private readonly groups = new Map<string, { points: PointDef[]; blocks: ReadBlock[] }>();
  private readonly bus: BusQueue;
  private readonly h: DriverHealth = { state: 'lost', transactions: 0, failures: 0, consecutiveFailures: 0 };
  private nextOpenAt = 0;
  private openDelay: number;
  private closed = false;

  constructor(private readonly o: ModbusDriverOptions) {
    for (const g of o.board.pollGroups) {
      const points = o.board.points.filter((p) => p.group === g.name);
      this.groups.set(g.name, { points, blocks: planReads(points) });
    }
    this.bus = o.bus ?? busFor(o.link.busKey);
    this.openDelay = o.reopenMinMs ?? 1000;
  }

  health(): DriverHealth {
    return { ...this.h };
  }

  async open(): Promise<void> {
    this.closed = false;
    await this.tryOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.o.link.close().catch(() => undefined);
  }

  private async tryOpen(): Promise<boolean> {
    if (this.o.link.isOpen()) return true;
    const now = this.o.clock.now();
    if (now < this.nextOpenAt || this.closed) return false;
    try {
      await this.o.link.open();
      this.openDelay = this.o.reopenMinMs ?? 1000;
      this.o.logger.info({ link: this.o.link.description }, 'modbus link open');
      return true;
    } catch (e) {
      this.fail('MODBUS_IO', `open ${this.o.link.description}: ${errorMessage(e)}`, 'lost');
      this.nextOpenAt = now + this.openDelay;
      this.openDelay = Math.min(this.openDelay * 2, this.o.reopenMaxMs ?? 30_000);
      return false;
    }
  }

  private fail(code: string, message: string, state: DriverHealth['state']): void {
    const first = this.h.consecutiveFailures === 0 || this.h.lastErrorCode !== code;
    this.h.failures++;
    this.h.consecutiveFailures++;
    this.h.lastErrorCode = code;
    this.h.lastError = message;
    this.h.state = state;
    // One log line per change of trouble, not one per failed poll.
    if (first) this.o.logger.warn({ code, link: this.o.link.description, unitId: this.o.unitId }, message);
  }

  async poll(group: string): Promise<RawPoint[]> {
    const g = this.groups.get(group);
    if (!g) return [];
    return this.bus.run(async () => {
      const results: BlockResult[] = [];
      if (await this.tryOpen()) {
        for (const block of g.blocks) {
          const r = await this.readWithRetries(block);
          if (!r) break;
          results.push(r);
        }
      }
      if (results.length === g.blocks.length && this.h.state !== 'ok') {
        if (this.h.consecutiveFailures > 0) this.o.logger.info({ link: this.o.link.description, unitId: this.o.unitId }, 'modbus reads good again');
        this.h.state = 'ok';
        this.h.consecutiveFailures = 0;
      }
      return decodeGroup(g.points, results, this.o.clock.now());
    });
  }

  private async readWithRetries(block: ReadBlock): Promise<BlockResult | undefined> {
    for (let attempt = 0; attempt <= this.o.board.retries; attempt++) {
      try {
        this.h.transactions++;
        return await this.o.link.read(this.o.unitId, block, this.o.board.timeoutMs);
      } catch (e) {
        const code = classify(e);
        const lost = code === 'MODBUS_IO';
        this.fail(code, `read ${block.table}@${block.address}+${block.count}: ${errorMessage(e)}`, lost ? 'lost' : 'degraded');
        if (lost) {
          await this.o.link.close().catch(() => undefined);
          this.nextOpenAt = this.o.clock.now() + this.openDelay;
          return undefined;
        }
      }
    }
    return undefined;
  }

  /** Monitoring only: a write is refused unless the board profile allow-lists the register. */
  async writeRegister(address: number, value: number): Promise<void> {
    const allowed = this.o.board.writable.some((w) => w.table === 'holding' && w.address === address);
    if (!allowed) {
      throw new ElevgwError('WRITE_NOT_ALLOWED', `board "${this.o.board.id}" does not allow writing holding register ${address} (writable: ${JSON.stringify(this.o.board.writable)})`, {
        board: this.o.board.id,
        address,
      });
    }
    await this.bus.run(() => this.o.link.writeRegister(this.o.unitId, address, value, this.o.board.timeoutMs));
  }
}
