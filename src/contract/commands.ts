import { z } from 'zod';
import { indicatorSchema } from './health.js';
import { versionFields } from './payloads.js';
import { CONTRACT_VERSION } from './version.js';

/**
 * Commands from the platform, version 1. Monitoring only: no command reaches a controller.
 * `reset-baseline` (since 1.1) is the one that changes anything, and only the gateway's own
 * state: the early-warning baselines of an elevator, after a part was replaced.
 * Request on `{prefix}/{gatewayId}/commands/{name}`, answer on `{prefix}/{gatewayId}/responses/{name}`.
 */
export const COMMAND_NAMES = ['ping', 'diagnostics', 'reset-baseline'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Larger requests are refused unread. */
export const MAX_COMMAND_BYTES = 4096;

export const commandRequestSchema = z
  .object({
    v: z.literal(CONTRACT_VERSION),
    requestId: z.string().min(1).max(64),
    args: z
      .object({
        elevatorId: z.string().max(64).optional(),
        /** reset-baseline: only this indicator's baselines (all when absent)... */
        indicator: indicatorSchema.optional(),
        /** ...only this landing's (floor index; all landings and the lift-wide ones when absent). */
        floor: z.number().int().min(0).max(255).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();
export type CommandRequest = z.infer<typeof commandRequestSchema>;

export const commandResponseSchema = z.object({
  ...versionFields(),
  command: z.string(),
  /** Echoed when the request had a readable one. */
  requestId: z.string().optional(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CommandResponse = z.infer<typeof commandResponseSchema>;

/** Parses a request payload; errors say what was expected, never echo the payload itself. */
export function parseCommand(command: string, payload: Buffer): { ok: true; name: CommandName; request: CommandRequest } | { ok: false; response: CommandResponse } {
  const fail = (message: string, requestId?: string): { ok: false; response: CommandResponse } => ({
    ok: false,
    response: { v: CONTRACT_VERSION, command, ...(requestId ? { requestId } : {}), ok: false, error: { code: 'COMMAND_INVALID', message } },
  });
  if (!(COMMAND_NAMES as readonly string[]).includes(command)) return fail(`unknown command (expected one of: ${COMMAND_NAMES.join(', ')})`);
  if (payload.length > MAX_COMMAND_BYTES) return fail(`request too large: ${payload.length} bytes (at most ${MAX_COMMAND_BYTES})`);
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return fail('request is not JSON: expected {"v":1,"requestId":"…","args":{…}}');
  }
  const r = commandRequestSchema.safeParse(json);
  if (!r.success) {
    const rid = typeof (json as { requestId?: unknown })?.requestId === 'string' ? String((json as { requestId: string }).requestId).slice(0, 64) : undefined;
    return fail(r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '), rid);
  }
  // A reset names its elevator: resetting every lift of a gateway at once is never what was meant.
  if (command === 'reset-baseline' && r.data.args.elevatorId === undefined) return fail('args.elevatorId: required for reset-baseline', r.data.requestId);
  return { ok: true, name: command as CommandName, request: r.data };
}
