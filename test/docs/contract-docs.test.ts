import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { uplinkSchema } from '../../src/config/site.js';
import { COMMAND_NAMES, commandRequestSchema, commandResponseSchema } from '../../src/contract/commands.js';
import { payloadSchemas } from '../../src/contract/payloads.js';
import { contractJsonSchemas } from '../../src/contract/schemas.js';
import { topics } from '../../src/contract/topics.js';
import type { Logger } from '../../src/core/log.js';
import { EVENT_TYPES } from '../../src/contract/enums.js';
import type { Outbox, RecordKind, StoredRecord } from '../../src/outbox/types.js';
import { Uplink } from '../../src/uplink/uplink.js';
import { codeSpans, column, firstSpan, readDoc, tablesIn } from './markdown.js';
import { schemaKeys, typeProblem } from './schema-keys.js';

const { eventPayloadSchema, infoPayloadSchema, statsPayloadSchema, statusPayloadSchema, telemetryPayloadSchema } = payloadSchemas();

/**
 * docs/contract.md against the code that makes the contract: every topic the topic builder
 * makes, the payload each kind of record travels with, every field of every payload schema and
 * every platform command — documented, and nothing documented that the code does not have.
 */

const contract = readDoc('docs/contract.md');
const readme = readDoc('README.md');

/** `{prefix}/{gatewayId}/commands/+` and `…/commands/{name}` are the same shape. */
const shape = (topic: string) => topic.replace(/\{[^}]*\}/g, '{}').replace(/(^|\/)\+(?=\/|$)/g, '$1{}');

describe('docs/contract.md topics are the topics the code builds', () => {
  const scheme = topics('{prefix}', '{gatewayId}');
  const built = new Map<string, { member: string; topic: string }>(); // by shape
  for (const [member, v] of Object.entries(scheme)) {
    if (member === 'all') continue; // the platform's subscription, not a topic anything is sent on
    const topic = typeof v === 'string' ? v : (v as (id: string) => string | undefined)('{id}');
    if (typeof topic === 'string' && topic.startsWith('{prefix}/')) built.set(shape(topic), { member, topic });
  }
  const topicRows = () => tablesIn(contract, '## Topics').flatMap((t) => t.rows.map((r) => ({ t, r, topic: firstSpan(r.cells[column(t, 'topic')]) })));
  const byShape = () =>
    new Map(
      topicRows()
        .filter((x) => x.topic)
        .map((x) => [shape(x.topic!), x]),
    );

  it('documents every topic of src/contract/topics.ts, and no other', () => {
    const rows = topicRows();
    const documented = byShape();
    const problems = [
      ...[...built].filter(([s]) => !documented.has(s)).map(([, b]) => `topics().${b.member} builds ${b.topic}, missing from the table under "## Topics" in docs/contract.md`),
      ...rows
        .filter((x) => !x.topic || !built.has(shape(x.topic)))
        .map((x) => `docs/contract.md:${x.r.line}: ${x.topic ?? x.r.cells[0]} is not a topic src/contract/topics.ts builds`),
    ];
    if (!codeSpans(contract.lines.join('\n')).some((s) => s === scheme.all)) problems.push(`docs/contract.md does not name the platform's subscription \`${scheme.all}\``);
    expect(problems).toEqual([]);
  });

  it('names an existing payload schema for each topic, and documents every schema', () => {
    const rows = topicRows();
    const schemas = Object.keys(contractJsonSchemas()).map((f) => f.replace(/\.schema\.json$/, ''));
    const named = rows.flatMap((x) =>
      codeSpans(x.r.cells[column(x.t, 'payload')] ?? '')
        .filter((s) => /^[a-z-]+\.v\d+$/.test(s))
        .map((s) => ({ s, line: x.r.line })),
    );
    const problems = [
      ...named.filter((n) => !schemas.includes(n.s)).map((n) => `docs/contract.md:${n.line}: payload ${n.s} has no schema in src/contract/schemas.ts`),
      ...schemas.filter((s) => !named.some((n) => n.s === s)).map((s) => `payload schema ${s} is carried by no topic in the table under "## Topics" in docs/contract.md`),
    ];
    expect(problems).toEqual([]);
  });

  it('sends every kind of outbox record on the documented topic, with the documented payload', () => {
    const documented = byShape();
    const uplink = new Uplink({
      config: uplinkSchema().parse({ url: 'mqtt://127.0.0.1:1', topicPrefix: '{prefix}' }),
      gatewayId: '{gatewayId}',
      outbox: {} as Outbox,
      logger: {} as Logger,
      status: () => ({ v: 1, gatewayId: 'x', state: 'online' }),
    });
    const cases: [RecordKind, string | null, string][] = [
      ['event', 'E1', 'event.v1'],
      ['event', null, 'event.v1'],
      ['telemetry', 'E1', 'telemetry.v1'],
      ['stats', 'E1', 'stats.v1'],
      ['status', null, 'status.v1'],
    ];
    const problems = cases.flatMap(([kind, elevatorId, payload]) => {
      const topic = uplink.topicFor({ kind, elevatorId } as StoredRecord).replace('/E1/', '/{elevatorId}/');
      const row = documented.get(shape(topic));
      if (!row) return [`a ${kind} record${elevatorId ? '' : ' of the gateway'} goes to ${topic}, which docs/contract.md does not list`];
      return codeSpans(row.r.cells[column(row.t, 'payload')] ?? '').includes(payload)
        ? []
        : [`docs/contract.md:${row.r.line}: ${topic} carries ${payload} (src/uplink/uplink.ts topicFor), but the row does not say so`];
    });
    expect(problems).toEqual([]);
  });
});

describe('docs/contract.md documents every field of every payload', () => {
  const COMMON = '## Common fields';
  const STATE = '## Running state';
  /** Each payload schema, and the sections of docs/contract.md whose field tables describe it. */
  const PAYLOADS: Record<string, { schema: z.ZodType; sections: string[] }> = {
    'event.v1': { schema: eventPayloadSchema, sections: ['## event.v1', COMMON, STATE] },
    'telemetry.v1': { schema: telemetryPayloadSchema, sections: ['## telemetry.v1', COMMON, STATE] },
    'stats.v1': { schema: statsPayloadSchema, sections: ['## stats.v1', COMMON] },
    'status.v1': { schema: statusPayloadSchema, sections: ['## status.v1'] },
    'info.v1': { schema: infoPayloadSchema, sections: ['## info.v1'] },
    'command-request.v1': { schema: commandRequestSchema, sections: ['### command-request.v1'] },
    'command-response.v1': { schema: commandResponseSchema, sections: ['### command-response.v1'] },
  };
  const fieldRows = (heading: string) =>
    tablesIn(contract, heading)
      .filter((t) => t.header[0] === 'field')
      .flatMap((t) => t.rows.map((r) => ({ field: firstSpan(r.cells[0]), type: r.cells[column(t, 'type')] ?? '', meaning: r.cells[column(t, 'meaning')] ?? '', line: r.line })));

  it('knows every payload schema the contract has', () => {
    expect(Object.keys(PAYLOADS).sort()).toEqual(
      Object.keys(contractJsonSchemas())
        .map((f) => f.replace(/\.schema\.json$/, ''))
        .sort(),
    );
  });

  for (const [name, { schema, sections }] of Object.entries(PAYLOADS)) {
    it(`${name}: every field in its tables with its type, and no other`, () => {
      const keys = schemaKeys(schema);
      const rows = sections.flatMap((h) => fieldRows(h).map((r) => ({ ...r, h })));
      const problems = [
        ...[...keys.values()]
          .filter((k) => k.leaf && !rows.some((r) => r.field === k.path))
          .map((k) => `${name} field ${k.path} is not documented in docs/contract.md (${sections.join(', ')})`),
        ...rows.filter((r) => !r.field || !keys.has(r.field)).map((r) => `docs/contract.md:${r.line}: ${r.field ?? '(no field)'} under "${r.h}" is not a field of ${name}`),
        ...rows.flatMap((r) => {
          const k = r.field === undefined ? undefined : keys.get(r.field);
          // The event types are listed once, in the catalogue that docs-match-code.test.ts holds to EVENT_TYPES.
          const catalogue = k?.kind === 'enum' && k.values.join() === EVENT_TYPES.join() && codeSpans(r.meaning).includes('docs/domain.md');
          const wrong = k?.leaf && !catalogue ? typeProblem(k, r.type, codeSpans(r.type)) : undefined;
          return wrong ? [`docs/contract.md:${r.line}: ${name} ${r.field}: ${wrong}`] : [];
        }),
      ];
      expect(problems).toEqual([]);
    });
  }
});

describe('platform commands (MQTT) are documented', () => {
  it('in docs/contract.md: every command of src/contract/commands.ts, and no other', () => {
    const inContract = tablesIn(contract, '## Commands')
      .filter((t) => t.header[0] === 'command')
      .flatMap((t) => t.rows.map((r) => ({ name: firstSpan(r.cells[0]), line: r.line })));
    const problems = [
      ...COMMAND_NAMES.filter((c) => !inContract.some((d) => d.name === c)).map((c) => `command ${c} missing from the table under "## Commands" in docs/contract.md`),
      ...inContract
        .filter((d) => !(COMMAND_NAMES as readonly (string | undefined)[]).includes(d.name))
        .map((d) => `docs/contract.md:${d.line}: ${d.name} is not a command (src/contract/commands.ts)`),
    ];
    expect(problems).toEqual([]);
  });

  it('in the README command table: every command, and no other', () => {
    const readmeRow = tablesIn(readme, '## Commands')
      .flatMap((t) => t.rows)
      .find((r) => r.cells[0]!.startsWith('(MQTT)'));
    const inReadme = codeSpans(readmeRow?.cells[0] ?? '').flatMap((s) => /\/commands\/([\w-]+)$/.exec(s)?.[1] ?? []);
    expect(readmeRow, 'README.md "## Commands" has no "(MQTT)" row').toBeDefined();
    const problems = [
      ...COMMAND_NAMES.filter((c) => !inReadme.includes(c)).map((c) => `README.md:${readmeRow!.line}: the (MQTT) row lacks …/commands/${c}`),
      ...inReadme
        .filter((c) => !(COMMAND_NAMES as readonly string[]).includes(c))
        .map((c) => `README.md:${readmeRow!.line}: …/commands/${c} is not a command (src/contract/commands.ts)`),
    ];
    expect(problems).toEqual([]);
  });
});
