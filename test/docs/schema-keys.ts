import type { z } from 'zod';

/**
 * Every key a zod object schema accepts, as documentation writes it: `uplink.tls.ca`,
 * `elevators[].floors[].label`. Wrappers (default, optional, prefault …) are looked through;
 * a union of objects (an elevator's connection) contributes the keys of every member, each with
 * that member's default.
 */

type Kind = 'integer' | 'number' | 'string' | 'boolean' | 'enum' | 'literal' | 'list' | 'object' | 'any';

interface Variant {
  required: boolean;
  /** The default filled in when the key is left out (undefined: none). */
  default: unknown;
}

export interface KeyInfo {
  path: string;
  /** A value (not an object of further keys). */
  leaf: boolean;
  kind: Kind;
  /** Enum options or literal values. */
  values: unknown[];
  /** One per union member that has the key (one for a plain object). */
  variants: Variant[];
}

type Def = { type: string; [k: string]: unknown };
const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (WRAPPERS.has(d.type)) cur = d.innerType as z.ZodType;
    else if (d.type === 'pipe') cur = d.in as z.ZodType;
    else return cur;
  }
}

function kindOf(s: z.ZodType): { kind: Kind; values: unknown[] } {
  const d = def(s);
  switch (d.type) {
    case 'number':
      return { kind: (s as unknown as { isInt?: boolean }).isInt ? 'integer' : 'number', values: [] };
    case 'string':
    case 'boolean':
      return { kind: d.type, values: [] };
    case 'enum':
      return { kind: 'enum', values: Object.values(d.entries as Record<string, unknown>) };
    case 'literal':
      return { kind: 'literal', values: d.values as unknown[] };
    case 'array':
      return { kind: 'list', values: [] };
    case 'object':
    case 'record':
      return { kind: 'object', values: [] };
    default:
      return { kind: 'any', values: [] };
  }
}

function isObject(s: z.ZodType): boolean {
  return def(unwrap(s)).type === 'object';
}

export function schemaKeys(root: z.ZodType): Map<string, KeyInfo> {
  const keys = new Map<string, KeyInfo>();
  const add = (path: string, info: Omit<KeyInfo, 'path' | 'variants'>, variant: Variant) => {
    const known = keys.get(path);
    if (known) known.variants.push(variant);
    else keys.set(path, { path, ...info, variants: [variant] });
  };
  const walk = (s: z.ZodType, path: string): void => {
    const inner = unwrap(s);
    const d = def(inner);
    const parsed = s.safeParse(undefined);
    const variant: Variant = { required: !parsed.success, default: parsed.success ? parsed.data : undefined };
    if (d.type === 'object') {
      if (path) add(path, { leaf: false, kind: 'object', values: [] }, variant);
      for (const [k, child] of Object.entries(d.shape as Record<string, z.ZodType>)) walk(child, path ? `${path}.${k}` : k);
      return;
    }
    if (d.type === 'array' && isObject(d.element as z.ZodType)) {
      add(path, { leaf: false, kind: 'list', values: [] }, variant);
      walk(d.element as z.ZodType, `${path}[]`);
      return;
    }
    const options = d.type === 'union' ? (d.options as z.ZodType[]) : [];
    if (options.length > 0 && options.every(isObject)) {
      add(path, { leaf: false, kind: 'object', values: [] }, variant);
      for (const o of options) walk(o, path);
      return;
    }
    add(path, { leaf: true, ...kindOf(inner) }, variant);
  };
  walk(root, '');
  // An array element written as `elevators[]` is the same thing as `elevators`.
  for (const [path, info] of [...keys]) if (info.kind === 'list' && !info.leaf) keys.set(`${path}[]`, { ...info, path: `${path}[]` });
  return keys;
}

/** A default as documentation writes it in a code span: `30`, `elevgw/v1`, `true`, `""`. */
export function formatDefault(v: unknown): string {
  return typeof v === 'string' && v !== '' ? v : JSON.stringify(v);
}

/** What is wrong with a documented type cell for a key, if anything: enums and literals must list their values. */
export function typeProblem(k: KeyInfo, cell: string, spans: string[]): string | undefined {
  if (k.kind === 'enum' || k.kind === 'literal') {
    const missing = k.values.filter((v) => !spans.includes(formatDefault(v)));
    return missing.length > 0 ? `type lacks the value(s) ${missing.join(', ')}` : undefined;
  }
  const first = cell.replace(/`/g, '').split(/[\s(,;]/)[0];
  return k.kind === 'any' || first === k.kind ? undefined : `type is ${k.kind}, the row says "${cell}"`;
}
