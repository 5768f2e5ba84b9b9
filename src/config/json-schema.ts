import { z } from 'zod';
import { siteConfigSchema } from './site.js';

type Json = Record<string, unknown>;

/** A JSON Schema without its `default`s, at every depth. */
function withoutDefaults(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(withoutDefaults);
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => k !== 'default')
      .map(([k, v]) => [k, withoutDefaults(v)]),
  );
}

/**
 * The site config as JSON Schema, for editors (`elevgw config schema`). An elevator's `rules` are
 * checked by the loader against the site-wide rules' schema, key by key, without their defaults
 * (a key left out keeps the site's value), which the zod schema cannot say in its shape: here it
 * is the site-wide `rules` schema with every default taken out, so an editor flags a misspelt
 * override as `elevgw config validate` does.
 */
export function siteConfigJsonSchema(): Json {
  const json = z.toJSONSchema(siteConfigSchema(), { io: 'input', unrepresentable: 'any' }) as unknown as Json & {
    properties: { rules: Json; elevators: { items: { properties: Json } } };
  };
  json.properties.elevators.items.properties.rules = {
    ...(withoutDefaults(json.properties.rules) as Json),
    description: "this elevator's overrides of the site-wide rules, key by key; a key left out keeps the site's value",
  };
  return json;
}
