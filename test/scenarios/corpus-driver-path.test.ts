import { ElevatorPipeline } from '../../src/detect/pipeline.js';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/log.js';
import { mergeThresholds, defaultThresholds } from '../../src/config/thresholds.js';
import { ModbusDriver } from '../../drivers/modbus/driver.js';
import { ElevatorMonitor } from '../../src/runtime/monitor.js';
import { checkExpectations } from '../../src/replay/expect.js';
import { readReplayFile } from '../../src/replay/read.js';
import type { ReplaySample } from '../../src/replay/sample.js';
import type { RuleScenario } from '../../src/replay/rule-scenario.js';
import { playbackBoard, playbackLink } from '../../src/sim/playback.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import type { SignalName } from '../../src/signals/types.js';

const CORPUS = import.meta.dirname;

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return scenarioFiles(path);
    return /\.(ya?ml|json)$/.test(d.name) ? [path] : [];
  });
}

/**
 * The rule scenario corpus again, this time served by the signal-playback simulator as a Modbus
 * slave and read through the real ModbusDriver, a board profile and the normalizer — the path a
 * field controller's data takes — in sample time, held to the same expectations as the direct
 * replay: each fault raised not sooner than its threshold and at most one sample later.
 */
async function throughDriver(scenario: RuleScenario, samples: readonly ReplaySample[]): Promise<DetectedEvent[]> {
  const provided = new Set<SignalName>();
  for (const s of samples) {
    for (const k of Object.keys(s.values) as SignalName[]) provided.add(k);
    for (const k of s.bad) provided.add(k);
  }
  const board = playbackBoard(provided, scenario.sampleMs);
  let current = samples[0]!;
  const clock = new FakeClock(current.t);
  const driver = new ModbusDriver({ board, unitId: 1, link: playbackLink(() => current), bus: new BusQueue(), clock, logger: silentLogger });
  const events: DetectedEvent[] = [];
  const monitor = new ElevatorMonitor({
    elevatorId: 'E1',
    pipeline: new ElevatorPipeline(board, {
      elevatorId: 'E1',
      thresholds: mergeThresholds(defaultThresholds, scenario.rules),
      ratedSpeedMps: scenario.elevator.ratedSpeedMps,
      floors: scenario.elevator.floorsMm.map((levelMm, i) => ({ label: String(i), levelMm })),
    }),
    driver: async () => driver,
    clock,
    logger: silentLogger,
    onEvents: (evs) => events.push(...evs),
  });
  await monitor.startManual();
  for (const sample of samples) {
    current = sample;
    clock.advance(sample.t - clock.now());
    for (const g of board.pollGroups) monitor.pipeline.update(await driver.poll(g.name));
    monitor.step();
  }
  return events;
}

const corpus = scenarioFiles(CORPUS)
  .sort()
  .map((file) => {
    const input = readReplayFile(file);
    if (input.kind !== 'scenario') throw new Error(`${file}: not a scenario`);
    return [relative(CORPUS, file), input] as const;
  });

describe('rule scenario corpus through the playback simulator and the Modbus driver', () => {
  it('covers the whole corpus', () => {
    expect(corpus.length).toBeGreaterThan(40);
  });

  it.each(corpus)('%s', async (_file, input) => {
    if (input.kind !== 'scenario') return;
    const events = await throughDriver(input.scenario, input.samples);
    expect(checkExpectations(input.scenario, events)).toEqual([]);
  });
});
