import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultThresholds, mergeThresholds } from '../../src/config/thresholds.js';
import { DetectionEngine } from '../../src/detect/engine.js';
import type { DetectedEvent } from '../../src/detect/types.js';
import { readReplayFile } from '../../src/replay/read.js';
import { replay } from '../../src/replay/run.js';
import type { SignalName } from '../../src/signals/types.js';
import { noisyTrace } from './noisy-trace.js';
import { ALL_SIGNALS, FLOORS_MM, RATED_MPS } from './scenario.js';

/**
 * The engine's whole output — every event with its data and both parts of its black box,
 * snapshot by snapshot — on the rule corpus, the replay fixtures and seeded noisy traces, against
 * what the engine produced before the throughput work of issue 15 (fixtures/engine-golden.json).
 * A change to how the engine, the black box or a rule is computed must leave this alone.
 *
 * The fixture keeps a readable line per event (type, phase, time, black-box span) and a SHA-256
 * of the full output. After a deliberate change of output, rewrite it with
 * `ELEVGW_WRITE_GOLDEN=1 npx vitest run test/detect/engine-golden.test.ts` and say why in the commit.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'engine-golden.json');
const ROOT = join(import.meta.dirname, '..');

interface Golden {
  events: string[];
  sha256: string;
}

/** JSON with every object's keys sorted: the same events give the same text whatever order their fields were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function golden(events: readonly DetectedEvent[]): Golden {
  return {
    events: events.map((e) => {
      const box = e.blackbox === undefined ? '' : ` box ${e.blackbox.length} ${e.blackbox[0]?.mono ?? '-'}..${e.blackbox.at(-1)?.mono ?? '-'}`;
      const of = e.blackboxFor === undefined ? '' : ` for ${e.blackboxFor.type}@${e.blackboxFor.mono}`;
      return `${e.type} ${e.phase}@${e.mono}${box}${of}`;
    }),
    sha256: createHash('sha256').update(canonical(events)).digest('hex'),
  };
}

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return files(path, pattern);
    return pattern.test(d.name) ? [path] : [];
  });
}

/** A recorded log or rule scenario through replay: the gateway's engine on sample time. */
function replayed(file: string): DetectedEvent[] {
  const input = readReplayFile(file);
  const sc = input.kind === 'scenario' ? input.scenario : undefined;
  return replay(input.samples, {
    thresholds: sc ? mergeThresholds(defaultThresholds, sc.rules) : defaultThresholds,
    ratedSpeedMps: sc?.elevator.ratedSpeedMps ?? RATED_MPS,
    floorLevelsMm: sc?.elevator.floorsMm ?? FLOORS_MM,
  }).events;
}

/** A noisy trace straight through the engine, with the follow-ups still recording at its end. */
function traced(seed: number, available: readonly SignalName[] = ALL_SIGNALS): DetectedEvent[] {
  const engine = new DetectionEngine({ elevatorId: 'G', thresholds: defaultThresholds, ratedSpeedMps: RATED_MPS, floorLevelsMm: FLOORS_MM, available: new Set(available) });
  const events: DetectedEvent[] = [];
  for (const { t, signals } of noisyTrace({ seed, steps: 20_000, available })) events.push(...engine.step(signals, t));
  events.push(...engine.flush());
  return events;
}

const RETROFIT: SignalName[] = ['positionMm', 'floor', 'levelingErrorMm', 'speedMps', 'direction', 'door', 'doorZone', 'occupied', 'mainsPower', 'alarmButton'];

function outputs(): Record<string, Golden> {
  const recorded = [...files(join(ROOT, 'scenarios'), /\.ya?ml$/), ...files(join(ROOT, 'replay', 'fixtures'), /^(?!bad\.).*\.(jsonl|csv)$/)].sort();
  const out: Record<string, Golden> = {};
  for (const file of recorded) out[relative(ROOT, file)] = golden(replayed(file));
  for (const seed of [1, 2, 3]) out[`noisy seed ${seed}, full board`] = golden(traced(seed));
  out['noisy seed 4, retrofit board'] = golden(traced(4, RETROFIT));
  return out;
}

describe('engine output against the recorded golden output', () => {
  it('is the same, event by event and black-box snapshot by snapshot, on every recorded input', () => {
    const actual = outputs();
    if (process.env.ELEVGW_WRITE_GOLDEN === '1') writeFileSync(FIXTURE, `${JSON.stringify(actual, null, 1)}\n`);
    const expected = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Golden>;
    expect(actual).toEqual(expected);
  });

  it('covers raised faults with both parts of their black box', () => {
    const all = Object.values(JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, Golden>).flatMap((g) => g.events);
    expect(all.filter((e) => / raised@\d+ box /.test(e)).length).toBeGreaterThan(100);
    expect(all.filter((e) => e.startsWith('blackbox ') && / for /.test(e)).length).toBeGreaterThan(100);
  });
});
