import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { loadConfig, packageRoot } from '../../src/config/load.js';
import { defaultThresholds, mergeThresholds } from '../../src/config/thresholds.js';
import { FakeClock } from '../../src/core/clock.js';
import { EventIdFactory } from '../../src/core/ids.js';
import { EVENT_TYPES, type EventType, type signalNameSchema } from '../../src/contract/enums.js';
import type { SignalName } from '../../src/signals/types.js';
import { contractJsonSchemas } from '../../src/contract/schemas.js';
import { STORED_KINDS } from '../../src/contract/records.js';
import { topics } from '../../src/contract/topics.js';
import { readReplayFile } from '../../src/replay/read.js';
import { replay } from '../../src/replay/run.js';
import { RecordFactory } from '../../src/runtime/records.js';
import type { NewRecord } from '../../src/outbox/types.js';
import { contractProblems } from '../helpers/contract-check.js';
import { earlyWarningSamples } from '../detect/health/sample-events.js';
import * as v1 from './v1-schemas.js';

/**
 * Contract 1.1 against real payloads: every event the rule scenario corpus makes the rules emit,
 * built by the gateway's RecordFactory, is valid by the zod schema, by the generated JSON Schema
 * (ajv, as a platform in another language would check it) and by the frozen 1.0 parser.
 */

const CORPUS = join(packageRoot(), 'test', 'scenarios');
const demo = loadConfig(join(packageRoot(), 'config', 'demo.yaml'));
const elevator = demo.elevators[0]!;
const clock = new FakeClock(1_000_000, Date.UTC(2026, 2, 2, 3, 0, 0));
const factory = new RecordFactory({
  gatewayId: 'jh-gw',
  ids: new EventIdFactory(() => clock.wallNow()),
  clock,
  timeScale: 1,
  clockSynced: () => true,
  bootId: '8f0e6a52-3b1c-4d7e-9a2f-1c2d3e4f5a6b',
});

function scenarioFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? scenarioFiles(join(dir, d.name)) : /\.ya?ml$/.test(d.name) ? [join(dir, d.name)] : []));
}

/** Every event of the corpus, as the gateway stores it (the scenario's samples on the factory's clock). */
function corpusRecords(): NewRecord[] {
  return scenarioFiles(CORPUS).flatMap((file) => {
    const input = readReplayFile(file);
    if (input.kind !== 'scenario') return [];
    const sc = input.scenario;
    const { events } = replay(input.samples, {
      elevatorId: 'E1',
      thresholds: mergeThresholds(defaultThresholds, sc.rules),
      ratedSpeedMps: sc.elevator.ratedSpeedMps,
      floorLevelsMm: sc.elevator.floorsMm,
    });
    return events.map((ev) => factory.event({ ...ev, mono: Math.min(ev.mono, clock.now()) }, elevator, {}));
  });
}

function ajvFor(file: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(contractJsonSchemas()[file] as object);
}

describe('contract 1.1 payloads, as the gateway builds them', () => {
  const records = corpusRecords();
  const gatewayLevel = [
    factory.gatewayEvent('gateway-started', 'info', { version: '0.1.0', elevators: ['E1'] }),
    factory.gatewayEvent('outbox-loss', 'critical', { movedTo: '/var/lib/elevgw/outbox.db.corrupt-2026', reason: 'SQLITE_CORRUPT: malformed' }),
    factory.gatewayEvent('outbox-loss', 'warning', { reason: 'size cap', evicted: 12, byKind: { telemetry: 12 } }),
    factory.gatewayEvent('outbox-loss', 'critical', {
      reason: 'storage-full',
      error: 'SQLITE_FULL',
      since: '2026-03-02T03:00:00.000Z',
      durationS: 12.5,
      held: 40,
      dropped: 1,
      droppedByKind: { event: 1 },
      failedWrites: 7,
    }),
    factory.gatewayEvent('upgrade', 'warning', {
      upgradeId: '01KBE2A9Q0V1RS7Z5W3X4Y5Z6A',
      from: '0.1.0',
      to: '0.2.0',
      outcome: 'rolled-back',
      reason: 'not healthy within 60 s of the restart',
      failedStep: 'health',
      startedAt: '2026-03-02T03:00:00.000Z',
      finishedAt: '2026-03-02T03:01:30.000Z',
    }),
  ];
  // Early warnings come from weeks of a lift's life, not from the rule corpus: one of each, as the health indicators emit them.
  const warnings = earlyWarningSamples().map((ev) => factory.event(ev, elevator, {}));
  // A technician's commissioning summary, as `elevgw commission` sends it through the gateway.
  warnings.push(
    factory.commissioning(elevator, {
      result: 'pass',
      summary: 'all 7 steps passed; floor table within ±20 mm',
      technician: 'Wang Wei',
      softwareVersion: '0.1.0',
      board: 'generic-modbus-controller',
      startedAt: '2026-03-02T03:00:00.000Z',
      durationS: 612,
      steps: [
        { step: 'doors', result: 'pass', durationS: 21 },
        { step: 'mains', result: 'skipped', reason: 'no access to the machine room', durationS: 3 },
      ],
      checks: [{ check: 'floor-table', result: 'pass', detail: 'every level within 20 mm' }],
      report: 'commissioning/E1-20260302T030000Z.json',
    }),
  );
  const events = [...records, ...gatewayLevel, ...warnings];
  const signals = {
    speedMps: { value: 0, quality: 'good' as const, at: 0 },
    inspection: { value: false, quality: 'good' as const, at: 0 },
    alarmButton: { value: false, quality: 'bad' as const, at: 0 },
  };
  const telemetry = factory.telemetry(elevator, signals, ['trapped'], { runCount: 1234, runningHours: 56.789 });

  it('the corpus makes every rule speak: every elevator event type, raised and cleared', () => {
    const seen = new Set(events.map((r) => (JSON.parse(r.payload) as { type: EventType }).type));
    expect(EVENT_TYPES.filter((t) => !seen.has(t))).toEqual([]);
    expect(records.length).toBeGreaterThan(60);
  });

  it('every event is valid by the zod schema, carries minor, monoMs and bootId, and the 1.0 parser reads it', () => {
    const scheme = topics('elevgw/v1', 'jh-gw');
    const problems = events.flatMap((r) => contractProblems(STORED_KINDS.event.topic(scheme, r.elevatorId), r.payload));
    expect(problems).toEqual([]);
  });

  it('every event is valid by the generated JSON Schema (ajv, draft 2020-12 with formats)', () => {
    const validate = ajvFor(STORED_KINDS.event.schemaFile);
    const problems = events.flatMap((r) => (validate(JSON.parse(r.payload)) ? [] : [`${r.payload.slice(0, 200)}: ${JSON.stringify(validate.errors?.slice(0, 3))}`]));
    expect(problems).toEqual([]);
  });

  it('telemetry carries the service-mode code, the alarm button (null: bad reading) and the run counters', () => {
    const t = JSON.parse(telemetry.payload) as { state: Record<string, unknown>; runCount: number; runningHours: number };
    expect(t.state).toMatchObject({ serviceMode: 1, alarmButton: null, carStatus: 'stop' });
    expect([t.runCount, t.runningHours]).toEqual([1234, 56.789]);
    expect(contractProblems('elevgw/v1/jh-gw/elevators/E1/telemetry', telemetry.payload)).toEqual([]);
    expect(ajvFor(STORED_KINDS.telemetry.schemaFile)(t)).toBe(true);
  });

  it('the checks fail on what the contract refuses (wrong data for the type, a 1.0 parser refusal, a missing bootId)', () => {
    const trapped = JSON.parse(records.find((r) => r.payload.includes('"type":"trapped"') && r.payload.includes('"phase":"raised"'))!.payload) as Record<string, unknown>;
    const badData = { ...trapped, data: { ...(trapped.data as object), trigger: 'rumour' } };
    expect(contractProblems('elevgw/v1/jh-gw/elevators/E1/events', JSON.stringify(badData)).join()).toMatch(/data/);
    expect(ajvFor(STORED_KINDS.event.schemaFile)(badData)).toBe(false);
    const { bootId: _b, ...noBoot } = trapped;
    expect(contractProblems('elevgw/v1/jh-gw/elevators/E1/events', JSON.stringify(noBoot))).toEqual([expect.stringMatching(/no bootId/)]);
    // A field 1.0 had, changed in type, is what the frozen parser catches.
    expect(contractProblems('elevgw/v1/jh-gw/elevators/E1/events', JSON.stringify({ ...trapped, clockSynced: 'yes' })).join()).toMatch(/1\.0 parser refuses clockSynced/);
  });

  it('a 1.0 payload (no minor, monoMs or bootId) is still valid 1.1: a platform on 1.1 reads gateways not yet upgraded', () => {
    const { minor: _m, monoMs: _t, bootId: _b, ...old } = JSON.parse(telemetry.payload) as Record<string, unknown>;
    expect(v1.telemetryPayloadSchema.safeParse(old).success).toBe(true);
    expect(STORED_KINDS.telemetry.schema.safeParse(old).success).toBe(true);
    expect(ajvFor(STORED_KINDS.telemetry.schemaFile)(old)).toBe(true);
  });

  it("the contract's signal names are the signals layer's (sensor-lost's data lists them)", () => {
    expectTypeOf<z.infer<typeof signalNameSchema>>().toEqualTypeOf<SignalName>();
  });

  it('the JSON Schemas have an $id, date-time timestamps and the id pattern', () => {
    const event = contractJsonSchemas()[STORED_KINDS.event.schemaFile] as { $id: string; oneOf: { properties: Record<string, { format?: string; pattern?: string }> }[] };
    expect(event.$id).toBe('urn:elevgw:contract:1.1:event.v1');
    const first = event.oneOf[0]!.properties;
    expect(first.at?.format).toBe('date-time');
    expect(first.id?.pattern).toBe('^[0-7][0-9A-HJKMNP-TV-Z]{25}$');
    const validate = ajvFor(STORED_KINDS.event.schemaFile);
    const ok = JSON.parse(records[0]!.payload) as Record<string, unknown>;
    expect(validate({ ...ok, at: 'yesterday' })).toBe(false);
    expect(validate({ ...ok, id: 'not-an-id' })).toBe(false);
  });
});
