import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElevgwError } from '../../src/core/errors.js';
import { shippedBoards } from '../../src/provision/boards.js';
import { answersFromFlags } from '../../src/provision/flags.js';
import { readRolloutRow } from '../../src/provision/rollout-csv.js';
import type { RowContext } from '../../src/provision/row.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * One gateway's answers read from a roll-out sheet or from flags, as an installer fills them in:
 * every problem is an ElevgwError naming the file, line and column (or the flag), never a crash
 * or answers with holes in them.
 */

const tmp = tempDir('elevgw-rollout-rows-');
afterAll(() => tmp.cleanup());
const ctx = (acceptDefaults: boolean): RowContext => ({ boards: shippedBoards(), devDir: join(tmp.dir, 'dev'), acceptDefaults, lang: 'en' });
const HEAD = 'gateway_id,site,address,elevator_ids,registration_codes,rescue_codes,board,floors,rated_speed_mps,modbus_host,broker_url';
const CELLS = [
  'jh-gw-1101',
  'Site',
  '"1 Road, Wuhan"',
  'L1',
  '31104201002015000001',
  '27-1',
  'generic-modbus-controller',
  '1..6@3000',
  '1.75',
  '192.168.10.20:502',
  'mqtts://10.20.0.5:8883',
];

function sheet(name: string, ...lines: string[]): string {
  const f = join(tmp.dir, name);
  writeFileSync(f, `${[HEAD, ...lines].join('\n')}\n`);
  return f;
}

/** What reading the row threw: the test fails if it returned answers instead. */
function refusal(read: () => unknown): Error {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(ElevgwError);
    return e as Error;
  }
  throw new Error('the row was accepted');
}

describe('a required answer left empty', () => {
  it.each([
    ['board', 7],
    ['registration_codes', 5],
    ['broker_url', 11],
  ] as const)('an empty %s cell is refused naming its line and column %i', (name, n) => {
    const cells = CELLS.map((c, i) => (i === n - 1 ? '' : c));
    const f = sheet(`${name}.csv`, cells.join(','));
    expect(refusal(() => readRolloutRow(f, { row: 1 }, ctx(true))).message).toContain(`${f}:2: column ${n} (${name}): required`);
  });

  it('a row without a gateway id is refused at the gateway_id column', () => {
    const cells = CELLS.map((c, i) => (i === 0 ? '' : c));
    const f = sheet('no-id.csv', cells.join(','));
    expect(refusal(() => readRolloutRow(f, { row: 1 }, ctx(true))).message).toContain(`${f}:2: column 1 (gateway_id): required`);
  });

  it('init --yes without the required flags names each of them: --yes gives defaults, not answers', () => {
    const message = refusal(() => answersFromFlags({ gateway_id: 'jh-gw-1199', broker_url: 'mqtts://10.20.0.5:8883' }, ctx(true))).message;
    for (const flag of ['--registration-code', '--rescue-code', '--board', '--floors', '--rated-speed']) expect(message).toContain(`${flag}: required`);
  });
});

describe('picking a gateway line', () => {
  const line = (id: string, code: string) => CELLS.map((c, i) => (i === 0 ? id : i === 4 ? code : c)).join(',');

  it('--row N counts gateway lines only: a line of commas a spreadsheet left from a cleared row is skipped', () => {
    const f = sheet(
      'cleared.csv',
      line('jh-gw-1101', '31104201002015000001'),
      line('jh-gw-1102', '31104201002015000002'),
      ',,,,,,,,,,',
      line('jh-gw-1103', '31104201002015000003'),
      line('jh-gw-1104', '31104201002015000004'),
    );
    expect(readRolloutRow(f, { row: 3 }, ctx(true)).answers.gatewayId).toBe('jh-gw-1103');
    expect(readRolloutRow(f, { row: 4 }, ctx(true)).answers.gatewayId).toBe('jh-gw-1104');
    expect(refusal(() => readRolloutRow(f, { row: 5 }, ctx(true))).message).toContain('there is no row 5 (the file has 4)');
  });
});

describe('a sheet that gives two gateways one identity', () => {
  const line = (id: string, code: string) => CELLS.map((c, i) => (i === 0 ? id : i === 4 ? code : c)).join(',');

  it('is refused whole when two gateway lines share a registration code, naming both lines and the column', () => {
    const f = sheet('copied-down.csv', line('jh-gw-1101', '31104201002015000001'), line('jh-gw-1102', '31104201002015000009;31104201002015000001'));
    const message = refusal(() => readRolloutRow(f, { row: 1 }, ctx(true))).message;
    expect(message).toBe(`${f}:3: column 5 (registration_codes): registration code "31104201002015000001" is also on line 2`);
  });

  it('names the gateway id column of a repeated gateway id', () => {
    const f = sheet('same-id.csv', line('jh-gw-1101', '31104201002015000001'), line('jh-gw-1101', '31104201002015000002'));
    expect(refusal(() => readRolloutRow(f, { row: 1 }, ctx(true))).message).toBe(`${f}:3: column 1 (gateway_id): gateway id "jh-gw-1101" is also on line 2`);
  });
});

describe('the header line', () => {
  it('takes the empty trailing column Excel saves, and refuses an unnamed column that holds values', () => {
    const saved = join(tmp.dir, 'excel.csv');
    writeFileSync(saved, `${HEAD},\n${CELLS.join(',')},\n`);
    expect(readRolloutRow(saved, { row: 1 }, ctx(true)).answers.gatewayId).toBe('jh-gw-1101');
    const filled = join(tmp.dir, 'unnamed.csv');
    writeFileSync(filled, `${HEAD},\n${CELLS.join(',')},42\n`);
    expect(refusal(() => readRolloutRow(filled, { row: 1 }, ctx(true))).message).toContain(`${filled}:1: column 12 (""): unknown column`);
  });
});
