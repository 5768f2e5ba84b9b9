import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultThresholds, mergeThresholds } from '../../src/config/thresholds.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import type { EventType } from '../../src/detect/types.js';
import { readReplayFile } from '../../src/replay/read.js';
import type { ElevatorSignals, SignalName } from '../../src/signals/types.js';

const CORPUS = join(import.meta.dirname, '..', 'scenarios');
const folders = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'wear');
const files = folders.flatMap((d) =>
  readdirSync(join(CORPUS, d.name))
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(CORPUS, d.name, f)),
);

/**
 * Telemetry's `activeFaults` is the engine's `active()`: every rule must report itself active
 * from its raised event up to its cleared one, and at no other time. Checked over every rule
 * scenario of the corpus, on the signals as the scenario gives them, wherever it can change.
 */
describe('faults reported active', () => {
  it('are exactly those raised and not yet cleared, all through the rule scenario corpus', () => {
    const seen = new Set<EventType>();
    const wrong: string[] = [];
    for (const file of files) {
      const input = readReplayFile(file);
      if (input.kind !== 'scenario') continue;
      const { scenario, samples } = input;
      const available = new Set<SignalName>(samples.flatMap((s) => [...(Object.keys(s.values) as SignalName[]), ...s.bad]));
      const engine = new DetectionEngine({
        elevatorId: 'E1',
        thresholds: mergeThresholds(defaultThresholds, scenario.rules),
        ratedSpeedMps: scenario.elevator.ratedSpeedMps,
        floorLevelsMm: scenario.elevator.floorsMm,
        available,
      });
      const last = new Map<SignalName, { value: unknown; at: number }>();
      const up = new Set<EventType>();
      for (const sample of samples) {
        const signals: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(sample.values) as [SignalName, unknown][]) {
          if (!sample.bad.includes(name)) last.set(name, { value, at: sample.t });
        }
        for (const [name, { value, at }] of last) signals[name] = { value, quality: sample.bad.includes(name) ? 'bad' : 'good', at };
        const events = engine.step(signals as ElevatorSignals, sample.t);
        for (const e of events) {
          if (e.phase === 'raised') up.add(e.type);
          if (e.phase === 'cleared') up.delete(e.type);
          if (e.phase === 'raised') seen.add(e.type);
        }
        // Where it can change: the first sample, and every sample with an event.
        if (sample !== samples[0] && events.length === 0) continue;
        const active = engine.active().sort().join(' ');
        const expected = [...up].sort().join(' ');
        if (active !== expected && wrong.length < 5) wrong.push(`${file} at ${sample.t}: active "${active}", raised "${expected}"`);
      }
    }
    expect(wrong).toEqual([]);
    // The check means something only if most fault types were raised along the way.
    expect(seen.size).toBeGreaterThanOrEqual(18);
  });
});
