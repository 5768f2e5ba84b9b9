import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { REG, SIM_REGISTER_COUNT, STATUS_BITS } from '../src/sim/modbus-map.js';

/** What the bench's controller shows: the registers of boards/sim-modbus.yaml. */
export interface SlaveState {
  speedMps: number;
  doorClosed: boolean;
  doorOpen: boolean;
  overspeedSwitch: boolean;
}

/** One answered read: when the answer left (performance.now() of this process). */
export interface Answer {
  at: number;
}

/**
 * A Modbus TCP slave for the benches, written for the measurement rather than reused: it answers
 * FC3/FC4 from one state at once (no simulator, no timers of its own), with TCP_NODELAY, and logs
 * the moment each answer leaves, so the first poll that saw a change and the poll period the
 * gateway keeps are measured where the controller sits. The car stands in a door zone with its
 * safety circuit closed, mains on, nobody inside; the heartbeat changes with every answer.
 */
export class BenchSlave {
  state: SlaveState = { speedMps: 0, doorClosed: true, doorOpen: false, overspeedSwitch: false };
  /** Answers in order, per connection (one elevator per connection). */
  readonly answers: Answer[][] = [];
  /** How long to wait before answering (a slow controller); 0 answers at once. */
  delayMs = 0;
  /** Requests received and not yet answered, now and at most: above 1, the master sends before it has its answer. */
  inFlight = 0;
  maxInFlight = 0;
  private heartbeat = 0;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async start(): Promise<BenchSlave> {
    let slave: BenchSlave | undefined;
    const server = net.createServer((socket) => slave!.serve(socket));
    slave = new BenchSlave(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return slave;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Every answer of every connection, in time order. */
  allAnswers(): number[] {
    return this.answers.flatMap((a) => a.map((x) => x.at)).sort((a, b) => a - b);
  }

  registers(): number[] {
    const s = this.state;
    const regs = new Array<number>(SIM_REGISTER_COUNT).fill(0);
    const bit = (on: boolean, b: number) => (on ? 1 << b : 0);
    regs[REG.positionHigh] = 0;
    regs[REG.positionLow] = 6000; // floor 2's level
    regs[REG.speed] = Math.round(s.speedMps * 1000) & 0xffff;
    regs[REG.status] =
      bit(s.doorClosed, STATUS_BITS.doorClosed) |
      bit(s.doorOpen, STATUS_BITS.doorOpen) |
      bit(true, STATUS_BITS.doorZone) |
      bit(true, STATUS_BITS.safetyCircuit) |
      bit(s.doorClosed, STATUS_BITS.doorLockCircuit) |
      bit(s.overspeedSwitch, STATUS_BITS.overspeedSwitch) |
      bit(true, STATUS_BITS.mainsPower);
    regs[REG.floor] = 2;
    regs[REG.heartbeat] = this.heartbeat++ & 0xffff;
    regs[REG.zoneSensors] = 3;
    return regs;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const log: Answer[] = [];
    this.answers.push(log);
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      // MBAP: transaction id, protocol id, length (of unit id + PDU), unit id; then the PDU.
      while (buf.length >= 7 && buf.length >= 6 + buf.readUInt16BE(4)) {
        const frame = buf.subarray(0, 6 + buf.readUInt16BE(4));
        buf = buf.subarray(frame.length);
        const answer = this.answer(frame);
        this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
        const send = () => {
          this.inFlight--;
          if (socket.destroyed) return;
          log.push({ at: performance.now() });
          socket.write(answer);
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      }
    });
  }

  private answer(frame: Buffer): Buffer {
    const fc = frame[7]!;
    const address = frame.readUInt16BE(8);
    const count = frame.readUInt16BE(10);
    const regs = this.registers();
    if ((fc !== 3 && fc !== 4) || address + count > regs.length) {
      const out = Buffer.alloc(9);
      frame.copy(out, 0, 0, 4);
      out.writeUInt16BE(3, 4);
      out[6] = frame[6]!;
      out[7] = fc | 0x80;
      out[8] = fc !== 3 && fc !== 4 ? 1 : 2;
      return out;
    }
    const out = Buffer.alloc(9 + 2 * count);
    frame.copy(out, 0, 0, 4);
    out.writeUInt16BE(3 + 2 * count, 4);
    out[6] = frame[6]!;
    out[7] = fc;
    out[8] = 2 * count;
    for (let i = 0; i < count; i++) out.writeUInt16BE(regs[address + i]!, 9 + 2 * i);
    return out;
  }
}

/** Deviation of each interval between successive answers from `periodMs`, ms, sorted. */
export function periodJitter(answers: readonly Answer[], periodMs: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < answers.length; i++) out.push(Math.abs(answers[i]!.at - answers[i - 1]!.at - periodMs));
  return out.sort((a, b) => a - b);
}

/** One step of a slave's script: what changes, and the event it makes, if any. */
export interface ScriptStep {
  change: Partial<SlaveState>;
  expect?: { type: string; phase: string };
}

/**
 * The controller's script, one step per jittered second: the car starts, its door opens while it
 * runs, it stops and the door closes; it starts again, overspeeds, slows to rated speed, stops.
 * Four of the steps each make one event the subscriber waits for.
 */
export const CONTROLLER_SCRIPT: ScriptStep[] = [
  { change: { speedMps: 1.0 } },
  { change: { doorClosed: false, doorOpen: true }, expect: { type: 'door-open-while-moving', phase: 'raised' } },
  { change: { speedMps: 0, doorClosed: true, doorOpen: false }, expect: { type: 'door-open-while-moving', phase: 'cleared' } },
  { change: { speedMps: 1.0 } },
  { change: { speedMps: 2.2 }, expect: { type: 'overspeed', phase: 'raised' } },
  { change: { speedMps: 1.0 }, expect: { type: 'overspeed', phase: 'cleared' } },
  { change: { speedMps: 0 } },
];

/**
 * A controller with nothing wrong, one step per jittered second: the car runs, stops, opens its
 * door and closes it again — the changes a gateway sees all day, none of them a fault. What a
 * gateway costs on this script is what it costs in the field, where faults are rare.
 */
export const QUIET_SCRIPT: ScriptStep[] = [
  { change: { speedMps: 1.0 } },
  { change: { speedMps: 0 } },
  { change: { doorClosed: false, doorOpen: true } },
  { change: { doorClosed: true, doorOpen: false } },
];

/**
 * The rules the job runs without their deliberate holds, so what is measured is the pipeline: a
 * change is reported on the first poll that sees it.
 */
export const NO_HOLD_RULES = '{ clearHoldMs: 0, overspeed: { holdMs: 0, clearS: 0 }, doorOpenWhileMoving: { holdMs: 0 } }';
