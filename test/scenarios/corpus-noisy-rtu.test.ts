import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectedEvent } from '../../src/detect/types.js';
import { checkExpectations } from '../../src/replay/expect.js';
import { readReplayFile } from '../../src/replay/read.js';
import type { ReplaySample } from '../../src/replay/sample.js';
import type { RuleScenario } from '../../src/replay/rule-scenario.js';
import type { NoiseRates } from '../helpers/noisy-line.js';
import { runScenarioOverRtu, startRtuStation, type RtuRun, type RtuStation } from '../helpers/noisy-rtu-pipeline.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The rule scenario corpus through a noisy RS-485 line (issue 8, defect 5): the playback
 * simulator as a Modbus RTU slave on a pty, a noise injector corrupting 5 % and dropping 5 % of
 * the frames in each direction (and holding 2 % back by a few ms), the real ModbusDriver and RTU
 * link on the other pty, the normalizer and the rules — in sample time, every poll a real
 * transaction (test/helpers/noisy-rtu-pipeline.ts). The playback board is packed for the line:
 * the signals a scenario never leaves unreadable are one block, read in one transaction per
 * sample as a controller's map is, so one lost frame loses them all for that sample
 * (test/helpers/packed-playback.ts).
 *
 * Each scenario also runs on the same line with the noise off, to print the raise delays with and
 * without noise side by side. Both runs must pass the corpus checker with 2 s instead of one
 * sample of slack: every expected fault raised no sooner than its threshold and at most 2 s
 * later (cleared likewise), nothing else raised. The driver's CRC failures and timeouts must
 * add up to exactly the frames the line spoiled or dropped — none without noise.
 */
const CORPUS = import.meta.dirname;
const NOISE: NoiseRates = { corrupt: 0.05, drop: 0.05, delay: 0.02, delayMs: [1, 5] };
const CLEAN: NoiseRates = { corrupt: 0, drop: 0 };
const SLACK_MS = 2000;
/**
 * An exchange the line lost times out at once (test/helpers/exchange-timers.ts), so the real
 * answer timeout only guards live exchanges: long enough that a busy 2-core machine never lets
 * it expire on a slow but good answer (which RTU would then hand to the next request).
 */
const TIMEOUT_MS = 1000;
const BAUD = 115_200;
/** Lines run side by side: each transaction still waits out the link's real t3.5 silence. */
const LINES = 4;
const BASE_SEED = 0xe1e8;

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    if (d.isDirectory()) return scenarioFiles(path);
    return /\.(ya?ml|json)$/.test(d.name) ? [path] : [];
  });
}

interface Case {
  file: string;
  scenario: RuleScenario;
  samples: ReplaySample[];
  seed: number;
}

/** FNV-1a of the file name: a scenario meets the same noise whichever line runs it. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h ^ BASE_SEED) >>> 0;
}

const corpus: Case[] = scenarioFiles(CORPUS)
  .sort()
  .map((path) => {
    const input = readReplayFile(path);
    if (input.kind !== 'scenario') throw new Error(`${path}: not a scenario`);
    const file = relative(CORPUS, path);
    return { file, scenario: input.scenario, samples: input.samples, seed: seedOf(file) };
  });

/**
 * sensor-lost counts from a signal's last good read — the scenarios' conditionAt for it is that
 * read (docs/domain.md). A lost poll just before the outage moves it earlier, so on a noisy line
 * the condition begins at the last poll that really came through, of the first signal lost.
 * Nothing else is adjusted: for any other condition a lost poll can only delay what the rules see.
 */
function asRead(sc: RuleScenario, samples: readonly ReplaySample[], run: RtuRun): RuleScenario {
  return {
    ...sc,
    expect: sc.expect.map((x) => {
      if (x.type !== 'sensor-lost') return x;
      const lost = samples.find((s) => s.t > x.conditionAt)?.bad ?? [];
      const lastReads = lost.map((signal) => (run.goodReads.get(signal) ?? []).filter((t) => t <= x.conditionAt).at(-1) ?? x.conditionAt);
      return lastReads.length > 0 ? { ...x, conditionAt: Math.min(...lastReads) } : x;
    }),
  };
}

/** Raise − condition time per expectation, ms, for the report (undefined: never raised). */
function raiseDelays(sc: RuleScenario, events: readonly DetectedEvent[]): { type: string; thresholdMs: number; delayMs?: number }[] {
  const taken = new Set<DetectedEvent>();
  return [...sc.expect]
    .sort((a, b) => a.conditionAt + a.thresholdMs - (b.conditionAt + b.thresholdMs))
    .map((x) => {
      const e = events.find((ev) => !taken.has(ev) && ev.type === x.type && ev.phase !== 'cleared' && ev.mono >= x.conditionAt);
      if (e) taken.add(e);
      return { type: x.type, thresholdMs: x.thresholdMs, ...(e ? { delayMs: e.mono - x.conditionAt } : {}) };
    });
}

interface Outcome {
  clean?: RtuRun;
  noisy?: RtuRun;
}

describe('rule scenario corpus through a noisy Modbus RTU line (5 % corrupted + 5 % dropped frames)', () => {
  const tmp = tempDir('elevgw-noisy-rtu-');
  const outcomes = new Map<string, Outcome>(corpus.map((c) => [c.file, {}]));
  let stations: RtuStation[] = [];

  beforeAll(async () => {
    stations = await Promise.all(Array.from({ length: LINES }, (_, i) => startRtuStation(join(tmp.dir, `line${i}`), TIMEOUT_MS)));
    // Longest first, pulled by whichever line is free: the lines finish close together.
    const jobs = corpus
      .flatMap((c) => [
        { c, noisy: true },
        { c, noisy: false },
      ])
      .sort((a, b) => b.c.samples.length - a.c.samples.length);
    await Promise.all(
      stations.map(async (station) => {
        for (let job = jobs.shift(); job; job = jobs.shift()) {
          const { c, noisy } = job;
          const run = await runScenarioOverRtu(station, c.scenario, c.samples, { baudRate: BAUD, seed: c.seed, rates: noisy ? NOISE : CLEAN });
          outcomes.get(c.file)![noisy ? 'noisy' : 'clean'] = run;
        }
      }),
    );
  }, 300_000);

  afterAll(async () => {
    report(outcomes);
    await Promise.all(stations.map((s) => s.close()));
    tmp.cleanup();
  });

  it('covers the whole corpus', () => {
    expect(corpus.length).toBeGreaterThan(40);
  });

  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const { clean, noisy } = outcomes.get(c.file)!;
    expect(clean && noisy, 'both runs finished').toBeTruthy();
    const errs = noisy!.health.errorsByCode ?? {};
    const { request: rq, response: rs } = noisy!.noise;
    const injected = rq.corrupted + rq.dropped + rs.corrupted + rs.dropped;
    // The line really was noisy, it cut every byte into frames, and the driver felt every hit.
    expect(injected).toBeGreaterThan(0);
    expect(rq.noiseBytes + rs.noiseBytes).toBe(0);
    expect(rq.frames).toBe(noisy!.health.transactions);
    expect(rs.frames).toBe(rq.passed + rq.delayed);
    expect((errs.MODBUS_CRC ?? 0) + (errs.MODBUS_TIMEOUT ?? 0)).toBe(injected);
    expect(clean!.health.failures - (clean!.health.errorsByCode?.MODBUS_EXCEPTION ?? 0), 'failures without noise besides exceptions').toBe(0);
    expect(checkExpectations(asRead(c.scenario, c.samples, clean!), clean!.events, { slackMs: SLACK_MS }), 'without noise').toEqual([]);
    expect(checkExpectations(asRead(c.scenario, c.samples, noisy!), noisy!.events, { slackMs: SLACK_MS }), 'with noise').toEqual([]);
  });

  it('over the corpus, the driver counted both CRC failures and timeouts', () => {
    const sum = (code: 'MODBUS_CRC' | 'MODBUS_TIMEOUT') => [...outcomes.values()].reduce((n, o) => n + (o.noisy?.health.errorsByCode?.[code] ?? 0), 0);
    expect(sum('MODBUS_CRC')).toBeGreaterThan(0);
    expect(sum('MODBUS_TIMEOUT')).toBeGreaterThan(0);
  });
});

/** Per scenario: raise delays (raise − condition) without and with noise, and what the line did. */
function report(outcomes: Map<string, Outcome>): void {
  const rows: string[] = ['scenario | fault | threshold ms | delay clean ms | delay noisy ms | noisy − threshold ms | CRC | timeouts | frames hit/all'];
  for (const c of corpus) {
    const o = outcomes.get(c.file)!;
    if (!o.clean || !o.noisy) continue;
    const clean = raiseDelays(asRead(c.scenario, c.samples, o.clean), o.clean.events);
    const noisy = raiseDelays(asRead(c.scenario, c.samples, o.noisy), o.noisy.events);
    const e = o.noisy.health.errorsByCode ?? {};
    const { request: rq, response: rs } = o.noisy.noise;
    const line = `${e.MODBUS_CRC ?? 0} | ${e.MODBUS_TIMEOUT ?? 0} | ${rq.corrupted + rq.dropped + rs.corrupted + rs.dropped}/${rq.frames + rs.frames}`;
    if (noisy.length === 0) rows.push(`${c.file} | (none) | | | | | ${line}`);
    noisy.forEach((n, i) => {
      const late = n.delayMs === undefined ? 'never' : String(n.delayMs - n.thresholdMs);
      rows.push(`${c.file} | ${n.type} | ${n.thresholdMs} | ${clean[i]?.delayMs ?? 'never'} | ${n.delayMs ?? 'never'} | ${late} | ${line}`);
    });
  }
  console.log(`raise delays through the RTU path, clean vs ${JSON.stringify(NOISE)}:\n${rows.join('\n')}`);
}
