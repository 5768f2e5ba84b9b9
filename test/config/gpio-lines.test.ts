import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { errorMessage } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A Pi's header carries BCM GPIO0–27 on every supported Pi (3, 4, 5, Zero 2 W); the SoC's higher
 * lines are its SD card, Wi-Fi and Bluetooth. And `activeLow` already inverts a line: with `invert`
 * on top the contact reads backwards. Both passed validation; a profile with either is refused at
 * load, naming the file, the line in it, the path and what is expected.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('elevgw-gpio-lines-');
});
afterEach(() => tmp.cleanup());

/** A built-in profile copied under a new id with one edit of its text; what loading it says (where in the file: `<line>:<col>`). */
function loadEdited(builtin: string, id: string, from: string, to: string): string {
  const text = readFileSync(join(BUILTIN_BOARDS_DIR, `${builtin}.yaml`), 'utf8');
  expect(text).toContain(from);
  const file = tmp.file(`${id}.yaml`, text.replace(`id: ${builtin}`, `id: ${id}`).replace(from, to));
  try {
    loadBoardFile(file);
    return 'loaded';
  } catch (e) {
    return errorMessage(e)
      .replaceAll(tmp.dir, '<dir>')
      .replace(/\.yaml:\d+:\d+ /g, '.yaml:<line>:<col> ');
  }
}

const HEADER = "expected a BCM GPIO line of the Pi's 40-pin header, 0–27 (higher lines are the SoC's own: SD card, Wi-Fi, …)";
const TWICE =
  'activeLow already inverts this line: with invert as well the contact reads backwards (an active-low contact: activeLow alone; a normally-closed contact on an active-low input: neither)';

describe('GPIO lines of a board profile', () => {
  it('a line beyond the header (GPIO 40) is refused, for a contact and for a writable line', () => {
    expect(loadEdited('pi-gpio-sensorbox', 'gp', 'line: 17,', 'line: 40,')).toBe(`<dir>/gp.yaml:<line>:<col> points[0].source.line: ${HEADER}`);
    expect(loadEdited('pi-gpio-sensorbox', 'gw', 'writable: []', 'writable: [{ line: 28 }]')).toMatch(`writable[0].line: ${HEADER}`);
  });

  it('a free header line is accepted; the built-in profile reads GPIO 27, the last', () => {
    expect(loadEdited('pi-gpio-sensorbox', 'g26', 'line: 17,', 'line: 26,')).toBe('loaded');
    expect(loadEdited('pi-gpio-sensorbox', 'g27', 'line: 27,', 'line: 27,')).toBe('loaded');
  });

  it('activeLow with invert is refused at the point', () => {
    expect(loadEdited('pi-gpio-sensorbox', 'gi', 'debounceMs: 30 } }', 'debounceMs: 30 }, invert: true }')).toBe(`<dir>/gi.yaml:<line>:<col> points[0].invert: ${TWICE}`);
  });

  it("a retrofit box's contacts on the Pi's header: the same two", () => {
    expect(loadEdited('retrofit-pi-i2c-sensorbox', 'rt', 'source: { line: 17, activeLow: true } }', 'source: { line: 40, activeLow: true }, invert: true }')).toBe(
      [`<dir>/rt.yaml:<line>:<col> points[3].source.line: ${HEADER}`, `<dir>/rt.yaml:<line>:<col> points[3].invert: ${TWICE}`].join('\n'),
    );
  });
});
