import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { systemSerialPorts, type SerialPortLike } from '../../drivers/kernel/serial-port.js';
import { crcOk, encodeFrame, readRequest } from '../../drivers/modbus/rtu-frame.js';
import { readResponse } from '../../drivers/modbus/rtu-request.js';
import { FakeClock } from '../../src/core/clock.js';
import { prng } from '../../src/sim/prng.js';
import { decide, directionSeed, startNoisyLine, type NoiseRates, type NoisyLine, type Verdict } from './noisy-line.js';
import type { LineDirection } from './rtu-cut.js';
import { tempDir } from './tmp.js';

/** The noise injector itself: its verdicts, and what really comes out of the far pty. */

function tally(seed: number, rates: NoiseRates, n: number): Record<Verdict['action'], number> {
  const rand = prng(seed);
  const t = { pass: 0, corrupt: 0, drop: 0, delay: 0 };
  for (let i = 0; i < n; i++) t[decide(rand, rates, 8).action]++;
  return t;
}

describe('noise verdicts', () => {
  it('honour the rates over many frames (within 5 standard deviations)', () => {
    const n = 100_000;
    for (const rates of [
      { corrupt: 0.05, drop: 0.05 },
      { corrupt: 0.03, drop: 0.03, delay: 0.1 },
      { corrupt: 0.2, drop: 0, delay: 0.01 },
    ]) {
      const t = tally(7, rates, n);
      for (const [action, p] of [
        ['corrupt', rates.corrupt],
        ['drop', rates.drop],
        ['delay', rates.delay ?? 0],
      ] as const) {
        const tolerance = 5 * Math.sqrt(n * p * (1 - p));
        expect(Math.abs(t[action] - n * p), `${action} at ${p}`).toBeLessThanOrEqual(tolerance);
        if (p === 0) expect(t[action]).toBe(0);
      }
    }
  });

  it('are the same for the same seed and differ for another', () => {
    const rates = { corrupt: 0.05, drop: 0.05, delay: 0.05, delayMs: [1, 9] as const };
    const run = (seed: number) => {
      const rand = prng(seed);
      return Array.from({ length: 2000 }, () => decide(rand, rates, 8));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });

  it('corrupt one byte inside the frame by a non-zero mask, delay within the range, and refuse rates above 1', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 4, max: 256 }), (seed, length) => {
        const rand = prng(seed);
        for (let i = 0; i < 50; i++) {
          const v = decide(rand, { corrupt: 0.5, drop: 0.1, delay: 0.4, delayMs: [2, 6] }, length);
          if (v.action === 'corrupt') {
            expect(v.index).toBeGreaterThanOrEqual(0);
            expect(v.index).toBeLessThan(length);
            expect(v.xor).toBeGreaterThanOrEqual(1);
            expect(v.xor).toBeLessThanOrEqual(255);
          }
          if (v.action === 'delay') expect(v.ms >= 2 && v.ms <= 6).toBe(true);
        }
      }),
    );
    expect(() => decide(prng(1), { corrupt: 0.6, drop: 0.5 }, 8)).toThrow(/more than 1/);
  });

  it('a frame with any one byte flipped fails its CRC', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 252 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (data, at, xor) => {
        const frame = encodeFrame(1, 3, data);
        frame[at % frame.length]! ^= xor;
        expect(crcOk(frame, 0, frame.length)).toBe(false);
      }),
    );
  });
});

/** What the far end must receive: each frame as its verdict says, in order. */
function expectedStream(frames: Buffer[], seed: number, dir: LineDirection, rates: NoiseRates): { bytes: Buffer; verdicts: Verdict[] } {
  const rand = prng(directionSeed(seed, dir));
  const verdicts = frames.map((f) => decide(rand, rates, f.length));
  const out = frames.flatMap((f, i) => {
    const v = verdicts[i]!;
    if (v.action === 'drop') return [];
    const copy = Buffer.from(f);
    if (v.action === 'corrupt') copy[v.index]! ^= v.xor;
    return [copy];
  });
  return { bytes: Buffer.concat(out), verdicts };
}

async function open(path: string): Promise<{ port: SerialPortLike; received: () => Buffer }> {
  const port = systemSerialPorts({ path, baudRate: 115_200 });
  const chunks: Buffer[] = [];
  port.on('data', (c) => chunks.push(c));
  port.on('error', () => undefined);
  await new Promise<void>((res, rej) => port.open((e) => (e ? rej(e) : res())));
  return { port, received: () => Buffer.concat(chunks) };
}

describe('a noisy line between two pty pairs', () => {
  const tmp = tempDir('elevgw-noisy-line-');
  const lines: NoisyLine[] = [];
  const ports: SerialPortLike[] = [];
  afterAll(async () => {
    await Promise.all(ports.map((p) => new Promise<void>((r) => (p.isOpen ? p.close(() => r()) : r()))));
    await Promise.all(lines.map((l) => l.close()));
    tmp.cleanup();
  });

  const N = 3000;
  const RATES: NoiseRates = { corrupt: 0.05, drop: 0.05, delay: 0.05, delayMs: [1, 3] };
  const requests = Array.from({ length: N }, (_, i) => readRequest(1, 3, i, 1 + (i % 100)));
  const responses = Array.from({ length: N }, (_, i) => readResponse(1, 3, Buffer.alloc(2 * (1 + (i % 100)), i & 0xff)));

  async function startLine(seed: number) {
    const line = await startNoisyLine({ dir: `${tmp.dir}/s${seed}-${lines.length}`, seed, rates: RATES });
    lines.push(line);
    const gateway = await open(line.gatewayPath);
    const device = await open(line.devicePath);
    ports.push(gateway.port, device.port);
    return { line, gateway, device };
  }

  /**
   * Sends every frame one way in one burst, then the other way (the proxy gets arbitrary chunks),
   * waiting each time until the far end holds what the verdicts of `seed` say must arrive. One
   * direction at a time: node-serialport can stall reading a pty it is also writing a large
   * burst to — never the case on an RTU line, where request and response take turns.
   */
  async function burst(l: Awaited<ReturnType<typeof startLine>>, seed: number) {
    const from = { device: l.device.received().length, gateway: l.gateway.received().length };
    const want = { request: expectedStream(requests, seed, 'request', RATES), response: expectedStream(responses, seed, 'response', RATES) };
    l.gateway.port.write(Buffer.concat(requests));
    await vi.waitFor(() => expect(l.device.received().length - from.device).toBe(want.request.bytes.length), { timeout: 20_000, interval: 50 });
    l.device.port.write(Buffer.concat(responses));
    await vi.waitFor(() => expect(l.gateway.received().length - from.gateway).toBe(want.response.bytes.length), { timeout: 20_000, interval: 50 });
    return { line: l.line, want, atDevice: l.device.received().subarray(from.device), atGateway: l.gateway.received().subarray(from.gateway) };
  }

  const across = async (seed: number) => burst(await startLine(seed), seed);

  it('delivers each frame as its seeded verdict says, in order, and counts what it did', async () => {
    const { line, want, atDevice, atGateway } = await across(8);
    expect(atDevice.equals(want.request.bytes)).toBe(true);
    expect(atGateway.equals(want.response.bytes)).toBe(true);
    for (const dir of ['request', 'response'] as const) {
      const c = line.counts[dir];
      const v = want[dir].verdicts;
      const n = (a: Verdict['action']) => v.filter((x) => x.action === a).length;
      expect(c).toEqual({ frames: N, passed: n('pass'), corrupted: n('corrupt'), dropped: n('drop'), delayed: n('delay'), noiseBytes: 0 });
      // Rates honoured on the wire (5 standard deviations at 3000 frames is about ±2 %).
      for (const [k, p] of [
        ['corrupted', 0.05],
        ['dropped', 0.05],
        ['delayed', 0.05],
      ] as const)
        expect(Math.abs(c[k] / N - p)).toBeLessThan(0.02);
    }
    // The far end sees bad CRCs exactly for the corrupted frames.
    const cut = (buf: Buffer, lengths: number[]) => {
      let at = 0;
      return lengths.map((len) => {
        const part = buf.subarray(at, at + len);
        at += len;
        return part;
      });
    };
    const arrived = requests.filter((_, i) => want.request.verdicts[i]!.action !== 'drop');
    const bad = cut(
      atDevice,
      arrived.map((f) => f.length),
    ).filter((f) => !crcOk(f, 0, f.length)).length;
    expect(bad).toBe(line.counts.request.corrupted);
    // The two directions draw independent noise.
    expect(want.request.verdicts.map((x) => x.action)).not.toEqual(want.response.verdicts.map((x) => x.action));
  });

  it('holds a late frame back for its delay, and every frame behind it too', async () => {
    const clock = new FakeClock();
    const rates: NoiseRates = { corrupt: 0, drop: 0.1, delay: 0.3, delayMs: [100, 100] };
    const line = await startNoisyLine({ dir: `${tmp.dir}/late`, seed: 5, rates, timers: clock });
    lines.push(line);
    const device = await open(line.devicePath);
    const gateway = await open(line.gatewayPath);
    ports.push(device.port, gateway.port);
    const frames = requests.slice(0, 60);
    const verdicts = expectedStream(frames, 5, 'request', rates).verdicts;
    gateway.port.write(Buffer.concat(frames));
    await vi.waitFor(() => expect(line.counts.request.frames).toBe(frames.length), { timeout: 10_000, interval: 20 });
    // Stage k: what may have arrived once k delays have run out — every frame up to the (k+1)-th late one.
    const late = verdicts.flatMap((v, i) => (v.action === 'delay' ? [i] : []));
    expect(late.length).toBeGreaterThan(5);
    for (let k = 0; k <= late.length; k++) {
      const upTo = late[k] ?? frames.length;
      const want = Buffer.concat(frames.slice(0, upTo).filter((_, i) => verdicts[i]!.action !== 'drop'));
      await vi.waitFor(() => expect(device.received().toString('hex')).toBe(want.toString('hex')), { timeout: 10_000, interval: 20 });
      clock.advance(100);
    }
  });

  it('gives the same noise for the same seed, other noise for another, and reset() restarts it', async () => {
    const a = await across(21);
    const b = await across(21);
    const l = await startLine(22);
    const c = await burst(l, 22);
    expect(b.atDevice.equals(a.atDevice)).toBe(true);
    expect(b.atGateway.equals(a.atGateway)).toBe(true);
    expect(c.atDevice.equals(a.atDevice)).toBe(false);
    expect(c.atGateway.equals(a.atGateway)).toBe(false);
    // The same line, reseeded: from the next frame on it is line `a` again; counts go on.
    l.line.reset(21, RATES);
    const d = await burst(l, 21);
    expect(d.atDevice.equals(a.atDevice)).toBe(true);
    expect(d.atGateway.equals(a.atGateway)).toBe(true);
    expect(l.line.counts.request.frames).toBe(2 * N);
  });
});
