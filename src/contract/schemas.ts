import { z } from 'zod';
import { MESSAGES, STORED_KINDS, type MessageSpec } from './records.js';

/** JSON Schemas of every payload, generated from the contract table (docs/contract/*.schema.json). */
export function contractJsonSchemas(): Record<string, unknown> {
  const specs: MessageSpec[] = [...Object.values(STORED_KINDS), ...Object.values(MESSAGES)];
  return Object.fromEntries(specs.map((s) => [s.schemaFile, z.toJSONSchema(s.schema, { io: s.io, unrepresentable: 'any' })]));
}
