import type { BoardProfile, PointDef } from '../../src/config/board.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/clock.js';
import type { Logger } from '../../src/core/log.js';
import { busFor, type BusQueue } from '../bus-queue.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import { classify, exceptionCodeOf, retryableException, type ModbusErrorCode } from './errors.js';
import type { ModbusLink } from './link.js';
import { decodeGroup, planReads, type BlockResult, type ReadBlock } from './plan.js';

export { classify } from './errors.js';

export interface ModbusDriverOptions {
  board: BoardProfile;
  unitId: number;
  link: ModbusLink;
  clock: Clock;
  logger: Logger;
  /** Reopen back-off after a lost port or connection, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
  bus?: BusQueue;
}

/**
 * Reopen delays. Capped low on purpose: a failed open of a missing tty or a refused connect costs
 * nothing, and a port that comes back must be read again within a couple of seconds so
 * sensor-lost clears promptly (within 5 s of the port's return).
 */
const REOPEN_MIN_MS = 500;
const REOPEN_MAX_MS = 2000;

type Attempt = { ok: true; result: BlockResult } | { ok: false; code: ModbusErrorCode };

/**
 * Reads a board's poll groups from one slave over one Modbus link. Never throws from poll():
 * failures turn the group's points 'bad' and are counted in health by code; a lost port is
 * reopened with back-off; a slave that stops answering is backed off so the other slaves on
 * its bus keep their share of it.
 */
export class ModbusDriver implements Driver {
  readonly kind = 'modbus';
  private readonly groups = new Map<string, { points: PointDef[]; blocks: ReadBlock[] }>();
  private readonly bus: BusQueue;
  private readonly h: DriverHealth = { state: 'lost', transactions: 0, failures: 0, consecutiveFailures: 0, errorsByCode: {}, skippedPolls: 0 };
  private nextOpenAt = 0;
  private openDelay: number;
  private closed = false;
  /** Consecutive polls the slave did not answer at all. */
  private silentPolls = 0;
  /** While backed off (> 0): the next probe is due at this monotonic time. */
  private backoffUntil = 0;

  constructor(private readonly o: ModbusDriverOptions) {
    for (const g of o.board.pollGroups) {
      const points = o.board.points.filter((p) => p.group === g.name);
      this.groups.set(g.name, { points, blocks: planReads(points) });
    }
    this.bus = o.bus ?? busFor(o.link.busKey);
    this.openDelay = o.reopenMinMs ?? REOPEN_MIN_MS;
  }

  health(): DriverHealth {
    return { ...this.h, errorsByCode: { ...this.h.errorsByCode } };
  }

  async open(): Promise<void> {
    this.closed = false;
    await this.tryOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.o.link.close().catch(() => undefined);
  }

  async poll(group: string): Promise<RawPoint[]> {
    const g = this.groups.get(group);
    if (!g) return [];
    if (this.backedOff()) return this.skip(g.points);
    return this.bus.run(async () => {
      if (this.backedOff()) return this.skip(g.points); // went quiet while this poll waited for the bus
      const results: BlockResult[] = [];
      let failure: ModbusErrorCode | undefined;
      if (!(await this.tryOpen())) failure = 'MODBUS_IO';
      else {
        // A probe of a backed-off slave is one attempt: it has had its retries.
        const retries = this.backoffUntil > 0 ? 0 : this.o.board.retries;
        for (const block of g.blocks) {
          const r = await this.readWithRetries(block, retries);
          if (!r.ok) {
            failure = r.code;
            break;
          }
          results.push(r.result);
        }
      }
      this.afterPoll(failure);
      return decodeGroup(g.points, results, this.o.clock.now());
    });
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

  private backedOff(): boolean {
    return this.backoffUntil > 0 && this.o.clock.now() < this.backoffUntil;
  }

  private skip(points: readonly PointDef[]): RawPoint[] {
    this.h.skippedPolls = (this.h.skippedPolls ?? 0) + 1;
    return decodeGroup(points, [], this.o.clock.now());
  }

  private async tryOpen(): Promise<boolean> {
    if (this.o.link.isOpen()) return true;
    const now = this.o.clock.now();
    if (now < this.nextOpenAt || this.closed) return false;
    try {
      await this.o.link.open();
      this.openDelay = this.o.reopenMinMs ?? REOPEN_MIN_MS;
      this.o.logger.info({ link: this.o.link.description }, 'modbus link open');
      return true;
    } catch (e) {
      this.fail('MODBUS_IO', `open ${this.o.link.description}: ${errorMessage(e)}`);
      this.nextOpenAt = now + this.openDelay;
      this.openDelay = Math.min(this.openDelay * 2, this.o.reopenMaxMs ?? REOPEN_MAX_MS);
      return false;
    }
  }

  private async readWithRetries(block: ReadBlock, retries: number): Promise<Attempt> {
    let code: ModbusErrorCode = 'MODBUS_TIMEOUT';
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        this.h.transactions++;
        return { ok: true, result: await this.o.link.read(this.o.unitId, block, this.o.board.timeoutMs) };
      } catch (e) {
        code = classify(e);
        this.fail(code, `read ${block.table}@${block.address}+${block.count}: ${errorMessage(e)}`);
        if (code === 'MODBUS_IO') {
          await this.o.link.close().catch(() => undefined);
          this.nextOpenAt = this.o.clock.now() + this.openDelay;
          break;
        }
        // An exception is the slave's considered answer; asking again changes nothing unless it was busy.
        if (code === 'MODBUS_EXCEPTION' && !retryableException(exceptionCodeOf(e))) break;
      }
    }
    return { ok: false, code };
  }

  private fail(code: ModbusErrorCode, message: string): void {
    const first = this.h.state === 'ok' || this.h.lastErrorCode !== code;
    this.h.failures++;
    const counts = (this.h.errorsByCode ??= {});
    counts[code] = (counts[code] ?? 0) + 1;
    this.h.lastErrorCode = code;
    this.h.lastError = message;
    // The slave answered badly or not at all: degraded (lost once backed off, see afterPoll).
    this.h.state = code === 'MODBUS_IO' ? 'lost' : 'degraded';
    // One log line per change of trouble, not one per failed poll.
    if (first) this.o.logger.warn({ code, link: this.o.link.description, unitId: this.o.unitId }, message);
  }

  private afterPoll(failure: ModbusErrorCode | undefined): void {
    if (failure === undefined) {
      if (this.h.state !== 'ok' && this.h.consecutiveFailures > 0) this.o.logger.info({ link: this.o.link.description, unitId: this.o.unitId }, 'modbus reads good again');
      this.h.state = 'ok';
      this.h.consecutiveFailures = 0;
      this.silentPolls = 0;
      this.backoffUntil = 0;
      return;
    }
    this.h.consecutiveFailures++;
    this.silentPolls = failure === 'MODBUS_TIMEOUT' ? this.silentPolls + 1 : 0;
    if (this.silentPolls < this.o.board.backoffAfterFailures) return;
    if (this.backoffUntil === 0) {
      this.o.logger.warn({ link: this.o.link.description, unitId: this.o.unitId, everyMs: this.o.board.backoffMs }, `unit ${this.o.unitId} not answering: backing off`);
    }
    this.backoffUntil = this.o.clock.now() + this.o.board.backoffMs;
    this.h.state = 'lost';
  }
}
