import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { DiagClient } from '../../src/cli/diag-client.js';
import { loadConfig } from '../../src/config/load.js';
import type { CommissioningData } from '../../src/contract/commissioning.js';
import { MAX_DIAG_REQUEST_BYTES, parseDiagRequest, type DiagResponse } from '../../src/contract/diag.js';
import { payloadSchemas } from '../../src/contract/payloads.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';
import { Gateway } from '../../src/runtime/gateway.js';
import { SimHost } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { readOutbox } from '../helpers/child-gateway.js';
import { FakeBroker } from '../helpers/fake-broker.js';
import { simDriverFor, siteYaml } from '../helpers/gateway.js';
import { tempDir } from '../helpers/tmp.js';

const { eventPayloadSchema } = payloadSchemas();

const data: CommissioningData = {
  result: 'pass',
  summary: '2 steps: 1 passed, 1 skipped, 0 failed; 0 check(s) failed',
  technician: '李工',
  softwareVersion: '0.1.0',
  board: 'sim-modbus',
  startedAt: '2026-12-02T03:00:00.000Z',
  durationS: 61.5,
  steps: [
    { step: 'doors', result: 'pass', durationS: 12 },
    { step: 'mains', result: 'skipped', reason: '物业不允许断电', durationS: 3 },
  ],
  checks: [{ check: 'rules', result: 'pass', detail: 'all 21 rules armed' }],
  report: 'E1-20261202T030000Z',
};

describe('the diagnostics protocol has one write: record-commissioning', () => {
  it('accepts a commissioning summary and nothing else that writes', () => {
    expect(parseDiagRequest(JSON.stringify({ v: 1, op: 'record-commissioning', elevator: 'E1', data })).ok).toBe(true);
    const refused = (req: object) => parseDiagRequest(JSON.stringify(req));
    expect(refused({ v: 1, op: 'record-event', elevator: 'E1', data })).toMatchObject({ ok: false });
    expect(refused({ v: 1, op: 'record-commissioning', elevator: 'E1', type: 'trapped', data })).toMatchObject({ ok: false, message: expect.stringMatching(/type/) });
    expect(refused({ v: 1, op: 'record-commissioning', elevator: 'E1', data: { ...data, result: 'maybe' } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/data\.result/),
    });
    expect(refused({ v: 1, op: 'record-commissioning', elevator: 'E1', data: { ...data, technician: 'x'.repeat(65) } })).toMatchObject({ ok: false });
  });

  it('is size-limited: 16 KiB for the write, 4 KiB for everything else', () => {
    const huge = { v: 1, op: 'record-commissioning', elevator: 'E1', data: { ...data, pad: 'x'.repeat(20_000) } };
    expect(parseDiagRequest(JSON.stringify(huge))).toEqual({ ok: false, message: 'request too large (at most 16384 bytes)' });
    const longRead = JSON.stringify({ v: 1, op: 'health', pad: 'x'.repeat(MAX_DIAG_REQUEST_BYTES) });
    expect(parseDiagRequest(longRead)).toEqual({ ok: false, message: `request too large (at most ${MAX_DIAG_REQUEST_BYTES} bytes)` });
  });
});

describe('a running gateway stores the commissioning event it is sent', () => {
  const tmp = tempDir('elevgw-commission-record-');
  const config = loadConfig(
    tmp.file('site.yaml', siteYaml({ simPort: 1, brokerUrl: 'mqtt://127.0.0.1:1', outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 1, gatewayId: 'cm-gw' })),
  );
  const sim = new SimHost({ scenario: SCENARIOS.normal!.scenario, clock: systemClock, loop: true });
  const broker = new FakeBroker(systemClock, 1);
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write: (c: Buffer, _e, cb) => {
        logs.push(c.toString());
        cb();
      },
    }),
  });
  let gw: Gateway;

  beforeAll(async () => {
    gw = new Gateway({
      config,
      logger,
      mqttConnect: broker.connect,
      driverFor: simDriverFor(sim, systemClock, logger),
    });
    await gw.start();
  });

  afterAll(async () => {
    await gw.stop();
    tmp.cleanup();
  });

  async function ask(request: Parameters<DiagClient['send']>[0]): Promise<DiagResponse | undefined> {
    const c = await DiagClient.connect(config.diagSocketPath);
    try {
      c.send(request);
      return await c.next();
    } finally {
      c.close();
    }
  }

  it('appends it to the outbox, tells watchers, logs who is allowed, and the uplink sends it with the contract schema', async () => {
    const watcher = await DiagClient.connect(config.diagSocketPath);
    watcher.send({ op: 'watch', elevator: 'E1', everyMs: 10_000 });
    expect((await watcher.next())?.kind).toBe('snapshot');
    const answer = await ask({ op: 'record-commissioning', elevator: 'E1', data });
    expect(answer).toMatchObject({ kind: 'recorded', id: expect.stringMatching(/^[0-7][0-9A-Z]{25}$/) });
    const id = (answer as { id: string }).id;
    expect(await watcher.next()).toMatchObject({ kind: 'event', event: { id, type: 'commissioning', phase: 'instant', elevatorId: 'E1' } });
    watcher.close();

    const row = readOutbox(config.outboxPath).find((r) => r.id === id)!;
    const payload = eventPayloadSchema.parse(JSON.parse(row.payload));
    expect(payload).toMatchObject({ type: 'commissioning', name: '调试验收', severity: 'info', elevator: { id: 'E1' }, data });
    expect(logs.join('')).toMatch(/"id":"[0-9A-Z]+","technician":"李工".*authorised by membership of the elevgw group/);
    await vi.waitFor(() => expect(broker.on('elevgw/v1/cm-gw/elevators/E1/events').some((m) => String(m.payload).includes(id))).toBe(true), { timeout: 10_000 });
  });

  it('takes a summary longer than a read request (reasons typed in Chinese) through the socket', async () => {
    const reason = '物业不允许断电'.repeat(28).slice(0, 200); // 600 bytes of UTF-8
    const long = {
      ...data,
      steps: (['doors', 'top', 'bottom', 'floors', 'inspection', 'alarm', 'mains'] as const).map((step) => ({ step, result: 'skipped' as const, reason, durationS: 1 })),
    };
    expect(Buffer.byteLength(JSON.stringify({ v: 1, op: 'record-commissioning', elevator: 'E1', data: long }))).toBeGreaterThan(MAX_DIAG_REQUEST_BYTES);
    expect(await ask({ op: 'record-commissioning', elevator: 'E1', data: long })).toMatchObject({ kind: 'recorded' });
  });

  it('refuses an unknown elevator or a bad summary, and stores nothing for them', async () => {
    const before = readOutbox(config.outboxPath).length;
    expect(await ask({ op: 'record-commissioning', elevator: 'E9', data })).toMatchObject({ kind: 'error', error: { message: expect.stringMatching(/unknown elevator "E9"/) } });
    expect(await ask({ op: 'record-commissioning', elevator: 'E1', data: { ...data, steps: [{ step: 'dance', result: 'pass', durationS: 1 }] } as never })).toMatchObject({
      kind: 'error',
    });
    expect(readOutbox(config.outboxPath).filter((r) => r.type === 'commissioning')).toHaveLength(2);
    expect(readOutbox(config.outboxPath).length - before).toBeLessThanOrEqual(1); // at most a telemetry/status row, never an event
  });
});
