import { mkdirSync } from 'node:fs';
import { systemSerialPorts, type SerialPortLike } from '../../drivers/kernel/serial-port.js';
import { systemTimers, type Timer, type Timers } from '../../src/core/clock.js';
import { prng } from '../../src/sim/prng.js';
import { startPtyPair, type PtyPair } from '../../src/sim/pty-pair.js';
import { FrameCutter, type LineDirection } from './rtu-cut.js';

/**
 * A noisy RS-485 line for tests: a proxy between two socat pty pairs,
 *
 *   gateway ⇄ [gatewayPath | pty pair | proxy] ⇄ [proxy | pty pair | devicePath] ⇄ slave,
 *
 * that cuts each direction's byte stream into whole RTU frames (rtu-cut.ts) and, at set rates
 * drawn from a seeded PRNG, corrupts a frame (one byte flipped, so its CRC fails), drops it, or
 * holds it back before passing it on. What it did is counted per direction, so a test can show
 * that the noise it claims really reached the wire.
 *
 * Determinism: each direction has its own PRNG and every frame draws exactly three numbers, so
 * the verdict on the n-th frame of a direction depends only on the seed and n — the same request
 * sequence meets the same noise on every run and machine.
 */
export interface NoiseRates {
  /** Fraction of frames with one byte flipped (0–1). */
  corrupt: number;
  /** Fraction of frames not passed on at all. */
  drop: number;
  /** Fraction of frames passed on late; frames behind a late one wait for it (a wire keeps order). */
  delay?: number;
  /** How late, ms: uniform in [min, max]. */
  delayMs?: readonly [number, number];
}

export type Verdict = { action: 'pass' } | { action: 'corrupt'; index: number; xor: number } | { action: 'drop' } | { action: 'delay'; ms: number };

export interface DirectionCounts {
  /** Whole frames seen. */
  frames: number;
  passed: number;
  corrupted: number;
  dropped: number;
  delayed: number;
  /** Bytes that started no frame (passed through untouched). */
  noiseBytes: number;
}

/** The verdict on one frame of `length` bytes; always draws three numbers from `rand`. */
export function decide(rand: () => number, rates: NoiseRates, length: number): Verdict {
  const r = rand();
  const a = rand();
  const b = rand();
  const delay = rates.delay ?? 0;
  if (rates.corrupt + rates.drop + delay > 1) throw new Error(`noise rates add up to more than 1: ${JSON.stringify(rates)}`);
  if (r < rates.corrupt) return { action: 'corrupt', index: Math.floor(a * length), xor: 1 + Math.floor(b * 255) };
  if (r < rates.corrupt + rates.drop) return { action: 'drop' };
  if (r < rates.corrupt + rates.drop + delay) {
    const [min, max] = rates.delayMs ?? [5, 5];
    return { action: 'delay', ms: min + a * (max - min) };
  }
  return { action: 'pass' };
}

/** Each direction's PRNG seed: the two directions of one line draw independent noise. */
export function directionSeed(seed: number, dir: LineDirection): number {
  return dir === 'request' ? seed >>> 0 : (seed ^ 0x5bd1e995) >>> 0;
}

/**
 * A partial frame older than this will never complete (the stream started mid-frame): pass its
 * bytes on as they are. Long, because the ends write whole frames and a frame's chunks are only
 * ever apart by a stall of this process — flushing then would cut every later frame wrong.
 */
const STALE_PARTIAL_MS = 1000;

/** One direction of the proxy: cut, judge, forward in order. */
class NoisyDirection {
  readonly counts: DirectionCounts = { frames: 0, passed: 0, corrupted: 0, dropped: 0, delayed: 0, noiseBytes: 0 };
  private readonly cutter: FrameCutter;
  private rand!: () => number;
  private rates!: NoiseRates;
  private lastChunkAt = 0;
  private readonly queue: { bytes: Buffer; holdMs: number }[] = [];
  private holding?: Timer;

  constructor(
    private readonly dir: LineDirection,
    seed: number,
    rates: NoiseRates,
    private readonly write: (b: Buffer) => void,
    private readonly timers: Timers,
    private readonly onVerdict: (dir: LineDirection, verdict: Verdict, frameLength: number) => void = () => undefined,
  ) {
    this.cutter = new FrameCutter(dir);
    this.reset(seed, rates);
  }

  /** From the next frame on: this noise, as if the line had just been started with it. */
  reset(seed: number, rates: NoiseRates): void {
    this.rand = prng(directionSeed(seed, this.dir));
    this.rates = rates;
  }

  onChunk(chunk: Buffer): void {
    const now = this.timers.now();
    if (this.cutter.pending > 0 && now - this.lastChunkAt > STALE_PARTIAL_MS) this.noise(this.cutter.flush());
    this.lastChunkAt = now;
    for (const cut of this.cutter.push(chunk)) {
      if (cut.kind === 'noise') {
        this.noise(cut.bytes);
        continue;
      }
      this.counts.frames++;
      const v = decide(this.rand, this.rates, cut.bytes.length);
      this.onVerdict(this.dir, v, cut.bytes.length);
      if (v.action === 'drop') this.counts.dropped++;
      else if (v.action === 'corrupt') {
        this.counts.corrupted++;
        cut.bytes[v.index]! ^= v.xor;
        this.send(cut.bytes, 0);
      } else if (v.action === 'delay') {
        this.counts.delayed++;
        this.send(cut.bytes, v.ms);
      } else {
        this.counts.passed++;
        this.send(cut.bytes, 0);
      }
    }
  }

  private noise(bytes: Buffer): void {
    this.counts.noiseBytes += bytes.length;
    this.send(bytes, 0);
  }

  private send(bytes: Buffer, holdMs: number): void {
    this.queue.push({ bytes, holdMs });
    if (!this.holding) this.pump();
  }

  /** Writes queued frames in order; a late one holds up everything behind it. */
  private pump(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (head.holdMs > 0) {
        const ms = head.holdMs;
        head.holdMs = 0;
        this.holding = this.timers.after(ms, () => {
          this.holding = undefined;
          this.pump();
        });
        return;
      }
      this.queue.shift();
      this.write(head.bytes);
    }
  }

  stop(): void {
    this.holding?.cancel();
    this.queue.length = 0;
  }
}

export interface NoisyLine {
  /** The gateway (RTU master) opens this path. */
  readonly gatewayPath: string;
  /** The slave (simulator, pymodbus) opens this path. */
  readonly devicePath: string;
  /** What the injector did, per direction (requests: gateway → slave; responses: slave → gateway). */
  readonly counts: Record<LineDirection, DirectionCounts>;
  /**
   * Restarts the PRNGs with `seed` and sets the rates, from the next frame on (counts go on):
   * a line reused for several runs gives each the noise its own seed says.
   */
  reset(seed: number, rates: NoiseRates | Record<LineDirection, NoiseRates>): void;
  close(): Promise<void>;
}

export interface NoisyLineOptions {
  /** A directory for the pty links (created if missing). */
  dir: string;
  seed: number;
  /** The same rates both ways, or per direction. */
  rates: NoiseRates | Record<LineDirection, NoiseRates>;
  /** What holds late frames back: real time by default (a FakeClock in the injector's own tests). */
  timers?: Timers;
  /** Told each frame's verdict as it is judged, before the frame (if any) goes on. */
  onVerdict?: (dir: LineDirection, verdict: Verdict, frameLength: number) => void;
}

export async function startNoisyLine(o: NoisyLineOptions): Promise<NoisyLine> {
  mkdirSync(o.dir, { recursive: true });
  const rates = perDirection(o.rates);
  const pairs: PtyPair[] = [];
  const ports: SerialPortLike[] = [];
  const dirs: NoisyDirection[] = [];
  const close = async () => {
    for (const d of dirs) d.stop();
    await Promise.all(ports.map((p) => (p.isOpen ? new Promise<void>((r) => p.close(() => r())) : undefined)));
    await Promise.all(pairs.map((p) => p.close()));
  };
  try {
    const gatewaySide = await startPtyPair(o.dir, ['gateway', 'proxy-g']);
    pairs.push(gatewaySide);
    const deviceSide = await startPtyPair(o.dir, ['proxy-d', 'device']);
    pairs.push(deviceSide);
    const toGateway = await openRaw(gatewaySide.b);
    ports.push(toGateway);
    const toDevice = await openRaw(deviceSide.a);
    ports.push(toDevice);
    const timers = o.timers ?? systemTimers;
    const request = new NoisyDirection('request', o.seed, rates.request, (b) => toDevice.write(b), timers, o.onVerdict);
    const response = new NoisyDirection('response', o.seed, rates.response, (b) => toGateway.write(b), timers, o.onVerdict);
    dirs.push(request, response);
    toGateway.on('data', (chunk: Buffer) => request.onChunk(chunk));
    toDevice.on('data', (chunk: Buffer) => response.onChunk(chunk));
    return {
      gatewayPath: gatewaySide.a,
      devicePath: deviceSide.b,
      counts: { request: request.counts, response: response.counts },
      reset(seed, r) {
        const both = perDirection(r);
        request.reset(seed, both.request);
        response.reset(seed, both.response);
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A pty end opened like a serial port (the baud rate means nothing on a pty). */
async function openRaw(path: string): Promise<SerialPortLike> {
  const p = systemSerialPorts({ path, baudRate: 115_200, parity: 'none' });
  p.on('error', () => undefined); // a pty torn down at close is not news
  await new Promise<void>((resolve, reject) => p.open((err) => (err ? reject(err) : resolve())));
  return p;
}

function perDirection(r: NoiseRates | Record<LineDirection, NoiseRates>): Record<LineDirection, NoiseRates> {
  return 'request' in r ? r : { request: r, response: r };
}
