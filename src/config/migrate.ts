import { ElevgwError } from '../core/errors.js';
import { CONFIG_VERSION } from './site.js';

/**
 * Versioned config: each migration lifts a file from version N to N+1, so a gateway
 * upgraded in the field keeps starting with the config the installer wrote.
 * Version 1 is the first; the table is ready for the next.
 */
const migrations: Record<number, (c: Record<string, unknown>) => Record<string, unknown>> = {};

export function migrateConfig(data: unknown, file: string): unknown {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return data;
  let c = data as Record<string, unknown>;
  let v = typeof c.version === 'number' ? c.version : undefined;
  if (v === undefined) return c; // the schema reports the missing version with its path
  if (v > CONFIG_VERSION) {
    throw new ElevgwError('CONFIG_INVALID', `${file} version: this elevgw reads config version ≤ ${CONFIG_VERSION}, got ${v}`);
  }
  while (v < CONFIG_VERSION) {
    const step = migrations[v];
    if (!step) throw new ElevgwError('CONFIG_INVALID', `${file} version: no migration from version ${v}`);
    c = { ...step(c), version: v + 1 };
    v += 1;
  }
  return c;
}
