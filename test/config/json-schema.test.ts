import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { siteConfigJsonSchema } from '../../src/config/json-schema.js';
import { packageRoot } from '../../src/config/load.js';

/**
 * `elevgw config schema` is for editors: what it accepts and refuses should be what
 * `elevgw config validate` does, as far as a JSON Schema can say. An elevator's own `rules` are
 * the site-wide rules' keys without their defaults (a key left out keeps the site's value).
 */

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(siteConfigJsonSchema());
const example = (name: string) => parse(readFileSync(join(packageRoot(), 'config', name), 'utf8')) as { elevators: Record<string, unknown>[] };

describe('the site config as JSON Schema', () => {
  it('the shipped examples pass', () => {
    for (const name of ['site.example.yaml', 'demo.yaml']) expect(validate(example(name)), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  });

  it("an elevator's override of one threshold passes; a misspelt one is flagged at its path, as the loader flags it", () => {
    const c = example('demo.yaml');
    c.elevators[0]!.rules = { trapped: { insideZoneS: 90 } };
    expect(validate(c), ajv.errorsText(validate.errors)).toBe(true);
    c.elevators[0]!.rules = { trapped: { outsideZonS: 20 } };
    expect(validate(c)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining({ instancePath: '/elevators/0/rules/trapped', keyword: 'additionalProperties' }));
  });

  it("an elevator's rules carry no defaults of their own (an editor would offer the site-wide default as the lift's)", () => {
    const rules = (siteConfigJsonSchema() as { properties: { elevators: { items: { properties: { rules: unknown } } } } }).properties.elevators.items.properties.rules;
    expect(JSON.stringify(rules)).not.toContain('"default"');
    expect(JSON.stringify(rules)).toContain('"outsideZoneS"');
  });
});
