import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { systemSerialPorts, type SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import { modbusRtuLink, RtuPorts } from '../../drivers/modbus/rtu-link.js';
import type { DriverHealth } from '../../drivers/types.js';
import { defaultThresholds, mergeThresholds } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import type { ReplaySample } from '../../src/replay/sample.js';
import type { RuleScenario } from '../../src/replay/rule-scenario.js';
import { playbackLink } from '../../src/sim/playback.js';
import { ExchangeTimers } from './exchange-timers.js';
import { startNoisyLine, type DirectionCounts, type NoiseRates, type NoisyLine } from './noisy-line.js';
import { packedPlayback } from './packed-playback.js';
import type { LineDirection } from './rtu-cut.js';
import { startRtuLinkSlave, type RtuLinkSlave } from './rtu-link-slave.js';

/**
 * The rule corpus through the RTU path in sample time: the signal-playback simulator served as
 * an RTU slave (rtu-link-slave.ts) behind a noisy line (noisy-line.ts), read by the real
 * ModbusDriver over the real RTU link (serialport on a pty), then the normalizer and the rules.
 * A FakeClock moves one sample at a time; every poll is a real, awaited transaction on the ptys.
 * Only the link's t3.5 silence and the answer timeout run on real timers, and the timeout of an
 * exchange the line lost fires as soon as the line has lost it (exchange-timers.ts).
 */
const UNIT_ID = 1;

/** One noisy line with its slave, reused scenario after scenario. */
export interface RtuStation {
  readonly line: NoisyLine;
  readonly slave: RtuLinkSlave;
  /** The RTU port's timers: an exchange the line lost times out at once (exchange-timers.ts). */
  readonly timers: ExchangeTimers;
  /** The answer timeout, real time, for exchanges the line did not lose. */
  readonly timeoutMs: number;
  close(): Promise<void>;
}

export async function startRtuStation(dir: string, timeoutMs: number): Promise<RtuStation> {
  const timers = new ExchangeTimers(timeoutMs);
  const line = await startNoisyLine({
    dir,
    seed: 0,
    rates: { corrupt: 0, drop: 0 },
    onVerdict: (direction, v, length) => {
      if (v.action === 'drop' || (v.action === 'corrupt' && direction === 'request'))
        timers.lost(); // no answer will come
      else if (v.action === 'corrupt') timers.spoiledAnswer(length); // only a spoiled one
    },
  });
  try {
    const idle: ModbusLink = playbackLink(() => ({ t: 0, values: {}, bad: [] }));
    const slave = await startRtuLinkSlave({ path: line.devicePath, unitId: UNIT_ID, link: idle });
    return {
      line,
      slave,
      timers,
      timeoutMs,
      async close() {
        await slave.close();
        await line.close();
      },
    };
  } catch (e) {
    await line.close();
    throw e;
  }
}

export interface RtuRun {
  events: DetectedEvent[];
  health: DriverHealth;
  /** What the line did during this run, per direction. */
  noise: Record<LineDirection, DirectionCounts>;
  /** Per signal (playback point names are signal names): the sample times it was read good. */
  goodReads: Map<string, number[]>;
}

export async function runScenarioOverRtu(
  station: RtuStation,
  scenario: RuleScenario,
  samples: readonly ReplaySample[],
  opts: { baudRate: number; seed: number; rates: NoiseRates },
): Promise<RtuRun> {
  // The playback board packed for a serial line, without retries (playback's own setting: every
  // failed transaction reaches the normalizer).
  const packed = packedPlayback(samples, scenario.sampleMs);
  const board = { ...packed.board, timeoutMs: station.timeoutMs };
  let current = samples[0]!;
  station.slave.link = packed.link(() => current);
  station.line.reset(opts.seed, opts.rates);
  const before = snapshot(station.line.counts);
  const clock = new FakeClock(current.t);
  const link = modbusRtuLink({ path: station.line.gatewayPath, baudRate: opts.baudRate, parity: 'none' }, new RtuPorts(observed(station.timers), station.timers));
  const driver = new ModbusDriver({ board, unitId: UNIT_ID, link, clock, logger: silentLogger, bus: new BusQueue() });
  const events: DetectedEvent[] = [];
  const goodReads = new Map<string, number[]>();
  const pipeline = new ElevatorPipeline(board, {
    elevatorId: 'E1',
    thresholds: mergeThresholds(defaultThresholds, scenario.rules),
    ratedSpeedMps: scenario.elevator.ratedSpeedMps,
    floors: scenario.elevator.floorsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
  });
  await driver.open();
  try {
    for (const sample of samples) {
      current = sample;
      clock.advance(sample.t - clock.now());
      for (const g of board.pollGroups) {
        const points = await driver.poll(g.name);
        for (const p of points) {
          if (p.quality !== 'good') continue;
          const times = goodReads.get(p.point) ?? [];
          times.push(sample.t);
          goodReads.set(p.point, times);
        }
        pipeline.update(points);
      }
      events.push(...pipeline.step(clock.now()).events);
    }
  } finally {
    await driver.close();
  }
  const after = snapshot(station.line.counts);
  return { events, health: driver.health(), noise: { request: diff(after.request, before.request), response: diff(after.response, before.response) }, goodReads };
}

/** The system's serial ports, telling `timers` what each chunk the RTU port read was. */
function observed(timers: ExchangeTimers): SerialPortFactory {
  return (settings) => {
    const port = systemSerialPorts(settings);
    // Registered before the RTU port's own listener; the microtask runs after it has read the chunk.
    port.on('data', (chunk) => queueMicrotask(() => timers.delivered(chunk.length)));
    return port;
  };
}

function snapshot(c: Record<LineDirection, DirectionCounts>): Record<LineDirection, DirectionCounts> {
  return { request: { ...c.request }, response: { ...c.response } };
}

function diff(a: DirectionCounts, b: DirectionCounts): DirectionCounts {
  const out = { ...a };
  for (const k of Object.keys(out) as (keyof DirectionCounts)[]) out[k] -= b[k];
  return out;
}
