import type { z } from 'zod';
import { CHANNELS, type MessageSpec } from '../../src/contract/records.js';
import { DEFAULT_TOPIC_PREFIX, topics } from '../../src/contract/topics.js';
import { CONTRACT_MINOR } from '../../src/contract/version.js';
import * as v1 from '../contract/v1-schemas.js';

/**
 * The platform's check of what a gateway sends: the contract table's schema for the message's
 * topic (src/contract/records.ts CHANNELS), what a 1.1 gateway always adds (`minor`, `bootId`,
 * `monoMs`), and the frozen 1.0 parser (test/contract/v1-schemas.ts) for every message 1.0 had.
 * Returns the problems, empty when the message is a valid 1.1 message that 1.0 also reads.
 */
export function contractProblems(topic: string, payload: string, prefix = DEFAULT_TOPIC_PREFIX): string[] {
  const channel = channelOf(topic, prefix);
  if (!channel) return [`${topic}: no topic of the contract`];
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return [`${topic}: not JSON`];
  }
  const problems: string[] = [];
  const where = `${topic} (${channel.message.name})`;
  const r = channel.message.schema.safeParse(json);
  if (!r.success) problems.push(...r.error.issues.map((i) => `${where}: ${i.path.join('.') || '(root)'}: ${i.message}`));
  if (channel.message.io === 'output') {
    const m = json as { minor?: unknown; bootId?: unknown; monoMs?: unknown; state?: unknown };
    if (m.minor !== CONTRACT_MINOR) problems.push(`${where}: minor is ${String(m.minor)}, a 1.${CONTRACT_MINOR} gateway sends ${CONTRACT_MINOR}`);
    if (typeof m.bootId !== 'string') problems.push(`${where}: no bootId`);
    // The last will is fixed at connect: the one payload without a monotonic time.
    const will = channel.name === 'status' && m.state === 'offline' && m.monoMs === undefined;
    if (typeof m.monoMs !== 'number' && !will) problems.push(`${where}: no monoMs`);
    // An event type added after 1.0 is one a 1.0 consumer skips (docs/contract.md, "Versions"): its 1.0 parser cannot read it.
    const newType = channel.message.name === 'Event' && !v1.eventPayloadSchema.shape.type.safeParse((json as { type?: unknown }).type).success;
    const frozen = newType ? undefined : V1_PARSERS[channel.message.name];
    const old = frozen?.safeParse(json);
    if (old && !old.success) problems.push(...old.error.issues.map((i) => `${where}: the 1.0 parser refuses ${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return problems;
}

/** The frozen 1.0 parser of each message 1.0 had (info is new in 1.1: a 1.0 consumer never subscribes to it). */
const V1_PARSERS: Record<string, z.ZodType | undefined> = {
  Event: v1.eventPayloadSchema,
  Telemetry: v1.telemetryPayloadSchema,
  Stats: v1.statsPayloadSchema,
  Status: v1.statusPayloadSchema,
  CommandResponse: v1.commandResponseSchema,
};

function channelOf(topic: string, prefix: string): { name: string; message: MessageSpec } | undefined {
  const scheme = topics(prefix, '{gatewayId}');
  return CHANNELS.find((c) => {
    const pattern = c
      .address(scheme)
      .split('/')
      .map((seg) => (/^\{\w+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    return new RegExp(`^${pattern}$`).test(topic);
  });
}
