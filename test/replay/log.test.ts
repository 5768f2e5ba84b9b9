import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isElevgwError } from '../../src/core/errors.js';
import { parseCsv, parseJsonl } from '../../src/replay/log.js';
import { readReplayFile } from '../../src/replay/read.js';

const SIGNALS =
  'positionMm, floor, speedMps, direction, door, doorZone, levelingErrorMm, safetyCircuit, doorLockCircuit, overspeedSwitch, occupied, inspection, alarmButton, mainsPower, topFinalLimit, bottomFinalLimit, controllerFloor';
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

function problemsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    if (isElevgwError(e, 'SCENARIO_INVALID')) return e.message.split('\n');
    throw e;
  }
  throw new Error('expected it to fail');
}

describe('replay logs', () => {
  it('reads JSONL: missing keys are not provided, null is an unreadable value, # lines are comments', () => {
    const input = readReplayFile(fixture('trapped.jsonl'));
    expect(input.kind).toBe('log');
    expect(input.samples).toHaveLength(46);
    expect(input.samples[0]).toMatchObject({ t: 0, values: { positionMm: 3000, door: 'closed', occupied: true }, bad: [] });
    expect(input.samples[2]).toMatchObject({ t: 2000, bad: ['occupied'] });
    expect(input.samples[2]!.values).not.toHaveProperty('occupied');
    expect(input.samples[0]!.values).not.toHaveProperty('inspection');
    expect(input.samples[0]!.source).toBe(`${fixture('trapped.jsonl')}:3`);
  });

  it('reads CSV with a header of signal names; empty cells are not provided, null/bad unreadable', () => {
    const samples = parseCsv('t,speedMps,door,doorZone,occupied\n0,0.5,closed,1,\n100,bad,opening,false,true\n', 'x.csv');
    expect(samples).toEqual([
      { t: 0, values: { speedMps: 0.5, door: 'closed', doorZone: true }, bad: [], source: 'x.csv:2' },
      { t: 100, values: { door: 'opening', doorZone: false, occupied: true }, bad: ['speedMps'], source: 'x.csv:3' },
    ]);
  });

  it('reports every problem of a JSONL log with its line number', () => {
    expect(problemsOf(() => readReplayFile(fixture('bad.jsonl'))).map((p) => p.replace(`${fixture('')}/`, ''))).toEqual([
      'bad.jsonl:3: speedMps: expected number',
      'bad.jsonl:4: door: expected one of open, closed, opening, closing, unknown',
      expect.stringMatching(/^bad\.jsonl:5: invalid JSON/),
      'bad.jsonl:6: unknown signal(s) "lift"',
      'bad.jsonl:7: t: goes back in time (previous sample at 100)',
      // The names it does know, once: "lift" says nothing of what to write instead.
      `bad.jsonl: the signals are ${SIGNALS} (and t, the sample time in ms)`,
    ]);
  });

  it('reports CSV problems with line numbers: bad cells, short rows, unknown columns', () => {
    expect(problemsOf(() => readReplayFile(fixture('bad.csv'))).map((p) => p.replace(`${fixture('')}/`, ''))).toEqual([
      'bad.csv:3: speedMps: expected number',
      'bad.csv:3: occupied: expected boolean',
      'bad.csv:4: 3 cells, the header has 4',
    ]);
    expect(problemsOf(() => parseCsv('t,speed\n0,1\n', 'y.csv'))).toEqual([
      'y.csv:1: unknown column "speed" (expected t or a signal name)',
      `y.csv: the signals are ${SIGNALS} (and t, the sample time in ms)`,
    ]);
    // A binary file given as CSV: its bytes escaped and cut, not sent to the terminal.
    const elf = `\x7fELF\x02\x01\x01${'\0'.repeat(200)}`;
    expect(problemsOf(() => parseCsv(`t,${elf}\n`, 'bin.csv'))[0]).toBe(`bin.csv:1: unknown column ${JSON.stringify(elf.slice(0, 40))}… (expected t or a signal name)`);
    expect(problemsOf(() => parseJsonl('# nothing\n', 'z.jsonl'))).toEqual(['z.jsonl: no samples']);
    // A time past whole milliseconds (2^53) is refused, not run as a log 10^297 s long.
    expect(problemsOf(() => parseJsonl('{"t":0}\n{"t":1e300}\n', 't.jsonl'))).toEqual(['t.jsonl:2: t: milliseconds, at most 9007199254740991']);
    expect(problemsOf(() => parseCsv('t,speedMps\n0,0\n9007199254740992,0\n', 't.csv'))).toEqual(['t.csv:3: t: milliseconds, at most 9007199254740991']);
  });

  it('refuses files it does not know and files it cannot read', () => {
    expect(problemsOf(() => readReplayFile('log.txt'))[0]).toMatch(/log\.txt: cannot read|unknown kind/);
    expect(problemsOf(() => readReplayFile(fixture('missing.jsonl')))[0]).toMatch(/cannot read \(ENOENT\)/);
  });
});
