import type { ModbusBoardProfile } from '../../src/config/board.js';
import type { Clock } from '../../src/core/clock.js';
import { ElevgwError, errorMessage } from '../../src/core/errors.js';
import type { Logger } from '../../src/core/log.js';
import type { BusQueue } from '../kernel/bus-queue.js';
import { HealthRecorder } from '../kernel/health.js';
import { LinkSupervisor } from '../kernel/supervisor.js';
import type { Driver, DriverHealth, RawPoint } from '../types.js';
import { classify, exceptionCodeOf, retryableException, type ModbusErrorCode } from './errors.js';
import type { ModbusLink } from './link.js';
import { decodePlanned, planGroup, splitBlock, type BlockResult, type GroupPlan, type ReadBlock } from './plan.js';

export interface ModbusDriverOptions {
  board: ModbusBoardProfile;
  unitId: number;
  link: ModbusLink;
  /** The transaction queue of the link's physical bus (FieldBuses.queues.for(link.busKey)). */
  bus: BusQueue;
  clock: Clock;
  logger: Logger;
  /** Reopen back-off after a lost port or connection, ms (doubles up to max). */
  reopenMinMs?: number;
  reopenMaxMs?: number;
}

/**
 * Reopen delays. Capped low on purpose: a failed open of a missing tty or a refused connect costs
 * nothing, and a port that comes back must be read again within a couple of seconds so
 * sensor-lost clears promptly (within 5 s of the port's return).
 */
const REOPEN_MIN_MS = 500;
const REOPEN_MAX_MS = 2000;

/**
 * Reads a board's poll groups from one slave over one Modbus link. Never throws from poll():
 * failures turn the group's points 'bad' and are counted in health by code; a lost port is
 * reopened by the link supervisor with back-off; a slave that stops answering is backed off so
 * the other slaves on its bus keep their share of it.
 */
export class ModbusDriver implements Driver {
  readonly kind = 'modbus';
  private readonly groups = new Map<string, GroupPlan>();
  private readonly health_: HealthRecorder;
  private readonly link: LinkSupervisor<ModbusLink>;
  /** Consecutive polls the slave did not answer at all. */
  private silentPolls = 0;
  /** While backed off (> 0): the next probe is due at this monotonic time. */
  private backoffUntil = 0;
  /**
   * The blocks (of any group) whose last read failed: the driver reads good again only when none
   * is left, not when the poll of another group (or of an empty one) happens to succeed.
   */
  private readonly failing = new Set<ReadBlock>();
  /**
   * When the current poll's request for each block (by index) was sent, for its points' `askedAt`:
   * one array for every poll (polls of a driver run one at a time, on its bus's queue), not one
   * per poll. Taken on the driver's clock right before `link.read`: a link times the wire on its
   * own timers (real time, where the driver's clock may be scaled: the demo), so this is the
   * request time as the rest of the gateway counts, at most a bus gap early — never late.
   */
  private readonly askedAt: number[] = [];

  constructor(private readonly o: ModbusDriverOptions) {
    for (const g of o.board.pollGroups) {
      this.groups.set(g.name, planGroup(o.board.points.filter((p) => p.group === g.name)));
    }
    const about = { link: o.link.description, unitId: o.unitId };
    this.health_ = new HealthRecorder(o.logger, about, o.clock);
    this.link = new LinkSupervisor({
      open: async () => {
        await o.link.open();
        return o.link;
      },
      release: (l) => l.close().catch(() => undefined),
      clock: o.clock,
      health: this.health_,
      backoff: { minMs: o.reopenMinMs ?? REOPEN_MIN_MS, maxMs: o.reopenMaxMs ?? REOPEN_MAX_MS },
      openFailCode: 'MODBUS_IO',
      description: o.link.description,
      logger: o.logger,
    });
  }

  health(): DriverHealth {
    return this.health_.get();
  }

  async open(): Promise<void> {
    await this.link.start();
  }

  async close(): Promise<void> {
    await this.link.stop();
  }

  poll(group: string): Promise<RawPoint[]> {
    const g = this.groups.get(group);
    if (!g) return Promise.resolve([]);
    if (this.backedOff()) return Promise.resolve(this.skip(g));
    return this.o.bus.run(() => this.read(group));
  }

  /**
   * One poll with the bus to itself: the group's blocks in order. A block the slave refuses with
   * an exception reads 'bad' and the next block is read (the slave is there); a timeout, a bad
   * frame or a lost link ends the poll (the slave may be gone: see afterPoll's back-off).
   */
  private async read(group: string): Promise<RawPoint[]> {
    let g = this.groups.get(group)!;
    if (this.backedOff()) return this.skip(g); // went quiet while this poll waited for the bus
    const link = this.link.current ?? (await this.link.ensure());
    if (!link) {
      this.health_.still('lost');
      return decodePlanned(g, [], this.o.clock.now());
    }
    const results: (BlockResult | undefined)[] = [];
    let failure: ModbusErrorCode | undefined;
    let answered = false;
    // A probe of a backed-off slave is one attempt: it has had its retries.
    const retries = this.backoffUntil > 0 ? 0 : this.o.board.retries;
    // The attempts are inline rather than in a helper: this runs every poll, and each async call
    // is an allocation; an indexed loop, as a for-of allocates per step in the jitless `run`.
    blocks: for (let b = 0; b < g.blocks.length; b++) {
      const block = g.blocks[b]!;
      for (let attempt = 0; ; attempt++) {
        this.health_.transaction();
        try {
          this.askedAt[b] = this.o.clock.now();
          results[b] = await link.read(this.o.unitId, block, this.o.board.timeoutMs);
          answered = true;
          if (this.failing.size > 0) this.failing.delete(block);
          continue blocks;
        } catch (e) {
          const split = this.splitRefused(group, g, b, e);
          if (split !== undefined) {
            g = split;
            b--; // read the same index again: now the first part of the split block
            continue blocks;
          }
          const code = this.attemptFailed(e, block);
          if (code === undefined && attempt < retries) continue;
          failure = code ?? classify(e);
          this.failing.add(block);
          if (failure !== 'MODBUS_EXCEPTION') break blocks;
          answered = true; // refused, but answered: the other blocks are still read
          continue blocks;
        }
      }
    }
    this.afterPoll(failure, answered);
    // `at` is when the answers were in, as every reader of a point's time expects (staleness,
    // holds); each block's value was sampled after its `askedAt`, which a slow answer leaves far
    // behind `at` (the position jump detector and the derived speed need both ends).
    return decodePlanned(g, results, this.o.clock.now(), this.askedAt);
  }

  /**
   * A block that joins named ranges across addresses the profile does not name, refused with
   * exception 2 (illegal data address) or 3 (illegal data value): the controller lacks those
   * addresses. The group is read in its named ranges from now on (logged once, when it splits);
   * returns the new plan, or undefined when the failure is something else or there is no gap.
   */
  private splitRefused(group: string, g: GroupPlan, index: number, e: unknown): GroupPlan | undefined {
    const exception = classify(e) === 'MODBUS_EXCEPTION' ? exceptionCodeOf(e) : undefined;
    if (exception !== 2 && exception !== 3) return undefined;
    const split = splitBlock(g, index);
    if (split === undefined) return undefined;
    const block = g.blocks[index]!;
    this.failing.delete(block);
    this.groups.set(group, split);
    const parts = split.blocks.slice(index, index + split.blocks.length - g.blocks.length + 1).map(describeBlock);
    this.o.logger.warn(
      { link: this.o.link.description, unitId: this.o.unitId, group, block: describeBlock(block), parts },
      `read ${describeBlock(block)} refused (${errorMessage(e)}): the slave lacks addresses the board profile does not name; reading ${parts.join(', ')} separately from now on`,
    );
    return split;
  }

  /** Monitoring only: a write is refused unless the board profile allow-lists the register. */
  async writeRegister(address: number, value: number): Promise<void> {
    const allowed = this.o.board.writable.some((w) => w.table === 'holding' && w.address === address);
    if (!allowed) {
      throw new ElevgwError(
        'WRITE_NOT_ALLOWED',
        `board "${this.o.board.id}" does not allow writing holding register ${address} (writable: ${JSON.stringify(this.o.board.writable)})`,
        {
          board: this.o.board.id,
          address,
        },
      );
    }
    await this.o.bus.run(() => this.o.link.writeRegister(this.o.unitId, address, value, this.o.board.timeoutMs));
  }

  private backedOff(): boolean {
    return this.backoffUntil > 0 && this.o.clock.now() < this.backoffUntil;
  }

  private skip(g: GroupPlan): RawPoint[] {
    this.health_.skipped();
    return decodePlanned(g, [], this.o.clock.now());
  }

  /**
   * Counts a failed attempt at `block`. Returns its code when asking again cannot help (the
   * connection is gone, or the slave refused for good), undefined when a retry may.
   */
  private attemptFailed(e: unknown, block: ReadBlock): ModbusErrorCode | undefined {
    const code = classify(e);
    const message = `read ${describeBlock(block)}: ${errorMessage(e)}`;
    if (code === 'MODBUS_IO') {
      this.link.lost(code, message); // the port or connection itself: reopened after the back-off
      return code;
    }
    // The slave answered badly or not at all: degraded (lost once backed off, see afterPoll).
    this.health_.failedAttempt(code, message, 'degraded');
    // An exception is the slave's considered answer; asking again changes nothing unless it was busy.
    if (code === 'MODBUS_EXCEPTION' && !retryableException(exceptionCodeOf(e))) return code;
    return undefined;
  }

  /**
   * `answered`: a block of this poll was read or refused, so the slave is there (one block of it
   * timing out is not a dead slave). A good poll is the end of the trouble only when no block of
   * another group still fails: health stays degraded, and says nothing, until then.
   */
  private afterPoll(failure: ModbusErrorCode | undefined, answered: boolean): void {
    if (failure === undefined) {
      if (this.failing.size === 0) this.health_.ok();
      this.silentPolls = 0;
      this.backoffUntil = 0;
      return;
    }
    if (failure !== 'MODBUS_IO') this.health_.failedPoll(); // a lost link counted itself
    this.silentPolls = failure === 'MODBUS_TIMEOUT' && !answered ? this.silentPolls + 1 : 0;
    if (answered) this.backoffUntil = 0; // a probe the slave answered, if refusing: full retries again
    if (this.silentPolls < this.o.board.backoffAfterFailures) return;
    if (this.backoffUntil === 0) {
      this.o.logger.warn({ link: this.o.link.description, unitId: this.o.unitId, everyMs: this.o.board.backoffMs }, `unit ${this.o.unitId} not answering: backing off`);
    }
    this.backoffUntil = this.o.clock.now() + this.o.board.backoffMs;
    this.health_.still('lost');
  }
}

/** A block as the log names it: `holding@200+7`. */
function describeBlock(b: ReadBlock): string {
  return `${b.table}@${b.address}+${b.count}`;
}
