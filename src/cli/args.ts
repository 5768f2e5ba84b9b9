import { z } from 'zod';
import type { LoadedElevator } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';

/** Where an installed gateway keeps its config (scripts/install.sh): the default of the commands a technician runs on it. */
export const INSTALLED_CONFIG = '/etc/elevgw/site.yaml';

/** CLI arguments are a boundary too: parse them with zod and say what was expected. */
export function parseArg<S extends z.ZodType>(schema: S, value: unknown, flag: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ElevgwError('CONFIG_INVALID', `${flag}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}

export const hostPortSchema = z
  .string()
  .regex(/^[^:\s]+:\d{1,5}$/, 'expected HOST:PORT, e.g. 127.0.0.1:1502')
  .transform((s) => {
    const i = s.lastIndexOf(':');
    return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  })
  .refine((v) => v.port >= 0 && v.port <= 65535, 'port must be 0–65535');

/** `--log-level`: one of pino's levels, or silent. */
export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  error: () => 'expected one of fatal, error, warn, info, debug, trace, silent',
});

export const speedSchema = z.coerce.number().positive('expected a positive number').max(1000, 'at most 1000');

/** `--elevator ID` among a site's elevators; the first when it is not given. */
export function pickElevator(elevators: LoadedElevator[], id: string | undefined): LoadedElevator {
  const e = id === undefined ? elevators[0] : elevators.find((x) => x.config.id === id);
  if (!e) throw new ElevgwError('CONFIG_INVALID', `--elevator: no elevator "${id}" (expected one of: ${elevators.map((x) => x.config.id).join(', ')})`);
  return e;
}
