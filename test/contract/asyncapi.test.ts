import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/config/load.js';
import { asyncApiYaml } from '../../src/contract/asyncapi.js';
import { EVENT_TYPES } from '../../src/contract/enums.js';
import { CHANNELS } from '../../src/contract/records.js';
import { DEFAULT_TOPIC_PREFIX, topics } from '../../src/contract/topics.js';

/**
 * docs/contract/asyncapi.yaml: generated from the contract table (`elevgw contract`), committed,
 * and a valid AsyncAPI 3 document by the AsyncAPI initiative's own parser — what a platform team
 * would feed its code generator.
 */
describe('the AsyncAPI document of the contract', () => {
  const committed = readFileSync(join(packageRoot(), 'docs', 'contract', 'asyncapi.yaml'), 'utf8');
  // Parsed once: the parser validates the whole document (Spectral rules) on each call.
  const parsed = new Parser().parse(committed);

  it('is the committed docs/contract/asyncapi.yaml (run `elevgw contract` after a change)', () => {
    expect(committed).toBe(asyncApiYaml());
  });

  it('validates with @asyncapi/parser: no error, no warning', async () => {
    const { document, diagnostics } = await parsed;
    // Severity 0 error, 1 warning; 2 information (e.g. "3.1.0 is out") and 3 hints are advice.
    expect(diagnostics.filter((d) => d.severity < 2).map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(document).toBeDefined();
  });

  it('has every channel of the table with its QoS, retain flag and payload schema', async () => {
    const { document } = await parsed;
    const scheme = topics(DEFAULT_TOPIC_PREFIX, '{gatewayId}');
    const problems = CHANNELS.flatMap((c) => {
      const channel = document!.channels().get(c.name);
      if (!channel) return [`channel ${c.name} missing`];
      const out: string[] = [];
      if (channel.address() !== c.address(scheme)) out.push(`${c.name}: address ${channel.address()}, the topic builder says ${c.address(scheme)}`);
      const op = channel.operations().all()[0];
      if (op?.action() !== c.action) out.push(`${c.name}: action ${op?.action()}, expected ${c.action}`);
      const mqtt = op?.bindings().get('mqtt')?.value() as { qos?: number; retain?: boolean } | undefined;
      if (mqtt?.qos !== c.message.qos || mqtt?.retain !== c.message.retain)
        out.push(`${c.name}: qos/retain ${mqtt?.qos}/${mqtt?.retain}, the table says ${c.message.qos}/${c.message.retain}`);
      const payload = channel.messages().all()[0]?.payload();
      if (!payload || (payload.type() === undefined && payload.oneOf() === undefined)) out.push(`${c.name}: message without a payload schema`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('gives the event payload one member per event type, each with its own data schema', async () => {
    const { document } = await parsed;
    const event = document!.components().schemas().get('Event');
    const members = event?.oneOf() ?? [];
    const types = members.map((m) => m.properties()?.type?.const());
    expect(types).toHaveLength(EVENT_TYPES.length);
    expect(new Set(types).size).toBe(EVENT_TYPES.length);
    const trapped = members.find((m) => m.properties()?.type?.const() === 'trapped');
    // Draft 7 (the AsyncAPI schema format) wraps a $ref with siblings in allOf.
    const ref = trapped?.properties()?.data;
    const data = ref?.allOf()?.[0] ?? ref;
    expect(data?.anyOf()?.flatMap((v) => Object.keys(v.properties() ?? {}))).toEqual(expect.arrayContaining(['trigger', 'stoppedS', 'reason']));
  });
});
