import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contractJsonSchemas } from '../../src/contract/schemas.js';
import { topics } from '../../src/contract/topics.js';
import { packageRoot } from '../../src/config/load.js';

describe('MQTT contract v1', () => {
  it('publishes JSON Schemas in docs/ that match the zod source (run `elevgw contract` after a change)', () => {
    for (const [name, schema] of Object.entries(contractJsonSchemas())) {
      const committed = JSON.parse(readFileSync(join(packageRoot(), 'docs', 'contract', name), 'utf8')) as unknown;
      expect(committed, name).toEqual(schema);
    }
  });

  it('builds topics per gateway and elevator under a versioned prefix', () => {
    const t = topics('elevgw/v1', 'jh-gw-1');
    expect(t.status).toBe('elevgw/v1/jh-gw-1/status');
    expect(t.elevatorEvents('E1')).toBe('elevgw/v1/jh-gw-1/elevators/E1/events');
    expect(t.telemetry('E1')).toBe('elevgw/v1/jh-gw-1/elevators/E1/telemetry');
    expect(t.all).toBe('elevgw/v1/jh-gw-1/#');
  });

  it('refuses ids that would put wildcards or extra levels into a publish topic', () => {
    expect(() => topics('elevgw/v1', 'gw/+')).toThrow(/cannot be used in an MQTT topic/);
    expect(() => topics('elevgw/#', 'gw')).toThrow(/wildcards/);
    expect(() => topics('elevgw/v1', 'gw').elevatorEvents('E#1')).toThrow(/elevator id/);
  });
});
