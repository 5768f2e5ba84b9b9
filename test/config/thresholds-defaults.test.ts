import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { elevatorObject } from '../helpers/site-object.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The rule thresholds an elevator runs with (src/config/thresholds.ts): the documented defaults
 * when the site writes none, the site's values, and an elevator's overrides merged key by key
 * over the site's, not over the defaults.
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const elevator = (id: string, rules?: unknown) => elevatorObject({ id, ...(rules === undefined ? {} : { rules }) });

function thresholdsOf(siteRules: unknown, elevators: ReturnType<typeof elevator>[]) {
  const site = { version: 1, gateway: { id: 'jh-gw-0417' }, elevators, uplink: { url: 'mqtt://127.0.0.1:1883' }, ...(siteRules === undefined ? {} : { rules: siteRules }) };
  return loadConfig(tmp.file('site.yaml', stringify(site))).elevators.map((e) => e.thresholds);
}

/** Every leaf of an object as `a.b.c` → value. */
function leaves(o: unknown, prefix = ''): Record<string, unknown> {
  if (typeof o !== 'object' || o === null) return { [prefix]: o };
  return Object.assign({}, ...Object.entries(o).map(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k)));
}

describe('rule thresholds', () => {
  it('an empty rules block, or none, gives the defaults of the table in docs/configuration.md', () => {
    const documented: Record<string, unknown> = {};
    for (const line of readFileSync(join(packageRoot(), 'docs', 'configuration.md'), 'utf8').split('\n')) {
      const m = /^\| `rules\.([^`]+)` \| [^|]+ \| `([^`]+)` \|/.exec(line);
      if (m) documented[m[1]!] = m[2] === 'true' || m[2] === 'false' ? m[2] === 'true' : Number(m[2]);
    }
    expect(Object.keys(documented).length).toBeGreaterThan(50);
    const [none, empty] = [...thresholdsOf(undefined, [elevator('L1')]), ...thresholdsOf({}, [elevator('L1')])];
    expect(leaves(none)).toEqual(documented);
    expect(leaves(empty)).toEqual(documented);
  });

  it("an elevator's override changes only the keys it names, over the site's values, however deep", () => {
    const site = { trapped: { outsideZoneS: 45, insideZoneS: 90 }, earlyWarning: { learningDays: 3, minMargin: { doorCloseS: 0.8 } } };
    const [plain, own] = thresholdsOf(site, [elevator('L1'), elevator('L2', { trapped: { outsideZoneS: 20 }, earlyWarning: { minMargin: { levelingMm: 5 } } })]);
    expect(plain!.trapped).toEqual({ outsideZoneS: 45, insideZoneS: 90 });
    expect(own!.trapped).toEqual({ outsideZoneS: 20, insideZoneS: 90 });
    expect(own!.earlyWarning.learningDays).toBe(3);
    expect(own!.earlyWarning.minMargin).toEqual({ ...plain!.earlyWarning.minMargin, doorCloseS: 0.8, levelingMm: 5 });
    // The site's thresholds are not changed by one elevator's override.
    expect(plain!.earlyWarning.minMargin.levelingMm).toBe(3);
  });
});
