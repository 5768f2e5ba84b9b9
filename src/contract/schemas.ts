import { z } from 'zod';
import type { EventType } from './enums.js';
import { eventDataSchemas } from './event-data.js';
import { payloadSchemas } from './payloads.js';
import { MESSAGES, STORED_KINDS, type MessageSpec } from './records.js';
import { CONTRACT_RELEASE } from './version.js';

/**
 * JSON Schemas generated from the contract table: one file per payload (docs/contract/*.schema.json)
 * and the components of the AsyncAPI document (asyncapi.ts).
 *
 * Generated from the schemas' *input* side: objects stay open (no `additionalProperties: false`),
 * so a consumer validating 1.1 with them also accepts what a later minor adds. (The 1.0 files were
 * generated closed; a consumer validating with those must move to these — the zod parser of 1.0
 * was always open, see docs/contract.md, "Versions".)
 */

export const SPECS: readonly MessageSpec[] = [...Object.values(STORED_KINDS), ...Object.values(MESSAGES)];

/** Data schemas two types share take a name of their own. */
const SHARED_DATA_NAMES: Partial<Record<EventType, string>> = {
  'overtravel-top': 'OvertravelData',
  'overtravel-bottom': 'OvertravelData',
  'door-close-fault': 'DoorAttemptData',
  'door-open-fault': 'DoorAttemptData',
};

/** `trapped` → `TrappedData`. */
function dataName(type: EventType): string {
  return SHARED_DATA_NAMES[type] ?? `${type.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase())}Data`;
}

/** The sub-schemas payloads share, by name: `$defs` of a file, `components.schemas` of the AsyncAPI document. */
function parts(): z.core.$ZodRegistry<{ id: string }> {
  const { blackboxSchema, elevatorIdentitySchema, runningStateSchema } = payloadSchemas();
  const r = z.registry<{ id: string }>();
  r.add(elevatorIdentitySchema, { id: 'ElevatorIdentity' });
  r.add(runningStateSchema, { id: 'RunningState' });
  r.add(blackboxSchema, { id: 'Blackbox' });
  for (const [type, schema] of Object.entries(eventDataSchemas().EVENT_DATA) as [EventType, z.ZodType][]) if (!r.has(schema)) r.add(schema, { id: dataName(type) });
  return r;
}

const MAX_INT = Number.MAX_SAFE_INTEGER;

/** Leaves out what zod adds for its own checks and a reader does not need: the date-time regex, safe-integer bounds. */
function tidy(ctx: { jsonSchema: Record<string, unknown> }): void {
  const s = ctx.jsonSchema;
  if (s.format === 'date-time') delete s.pattern;
  if (s.type === 'integer') {
    if (s.minimum === -MAX_INT) delete s.minimum;
    if (s.maximum === MAX_INT) delete s.maximum;
  }
}

/** The `$id` of a payload's schema: `urn:elevgw:contract:1.1:event.v1`. */
function schemaId(spec: MessageSpec): string {
  return `urn:elevgw:contract:${CONTRACT_RELEASE}:${spec.schemaFile.replace(/\.schema\.json$/, '')}`;
}

/** JSON Schemas of every payload (docs/contract/*.schema.json), self-contained: shared parts in `$defs`. */
export function contractJsonSchemas(): Record<string, unknown> {
  const metadata = parts();
  return Object.fromEntries(
    SPECS.map((s) => {
      const { $schema, ...rest } = z.toJSONSchema(s.schema, { io: 'input', unrepresentable: 'any', metadata, override: tidy }) as Record<string, unknown>;
      return [s.schemaFile, { $schema, $id: schemaId(s), title: s.name, description: s.description, ...rest }];
    }),
  );
}

/** Every payload and shared part as AsyncAPI components (JSON Schema draft 7, the AsyncAPI schema format), refs between them. */
export function componentSchemas(): Record<string, unknown> {
  const r = parts();
  for (const s of SPECS) r.add(s.schema, { id: s.name });
  const { schemas } = z.toJSONSchema(r, { io: 'input', unrepresentable: 'any', target: 'draft-7', uri: (id) => `#/components/schemas/${id}`, override: tidy }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  // A component is placed by the document; its own `$schema`/`$id` would re-base the refs inside it.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}
