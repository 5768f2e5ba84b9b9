import { z } from 'zod';
import { commandRequestSchema, commandResponseSchema } from './commands.js';
import { eventPayloadSchema, statsPayloadSchema, statusPayloadSchema, telemetryPayloadSchema } from './payloads.js';

/** JSON Schemas of the v1 payloads, generated from the zod source (docs/contract/*.schema.json). */
export function contractJsonSchemas(): Record<string, unknown> {
  const opts = { io: 'output', unrepresentable: 'any' } as const;
  return {
    'event.v1.schema.json': z.toJSONSchema(eventPayloadSchema, opts),
    'telemetry.v1.schema.json': z.toJSONSchema(telemetryPayloadSchema, opts),
    'status.v1.schema.json': z.toJSONSchema(statusPayloadSchema, opts),
    'stats.v1.schema.json': z.toJSONSchema(statsPayloadSchema, opts),
    'command-request.v1.schema.json': z.toJSONSchema(commandRequestSchema, { ...opts, io: 'input' }),
    'command-response.v1.schema.json': z.toJSONSchema(commandResponseSchema, opts),
  };
}
