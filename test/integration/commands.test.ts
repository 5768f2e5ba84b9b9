import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Gateway } from '../../src/runtime/gateway.js';
import { silentLogger } from '../../src/core/log.js';
import { commandResponseSchema, type CommandResponse } from '../../src/contract/commands.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/platform/broker.js';
import { startSimModbusTcp } from '../../src/sim/host.js';
import { SCENARIOS } from '../../src/sim/scenarios.js';
import { tempDir } from '../helpers/tmp.js';
import { siteConfig } from '../helpers/gateway.js';

/**
 * Platform commands: read-only diagnostics answered from the running pipeline; broken or hostile
 * requests get a clear error response and change nothing — the gateway keeps monitoring.
 */
describe('platform commands', () => {
  const tmp = tempDir();
  let broker: EmbeddedBroker;
  let sim: Awaited<ReturnType<typeof startSimModbusTcp>>;
  let gw: Gateway;
  let platform: mqtt.MqttClient;
  const responses: CommandResponse[] = [];
  const events: string[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    platform = await mqtt.connectAsync(broker.url, { clientId: 'platform-cmd' });
    platform.on('message', (t, p) => {
      if (t.includes('/responses/')) responses.push(commandResponseSchema.parse(JSON.parse(p.toString())));
      else events.push((JSON.parse(p.toString()) as { type: string }).type);
    });
    await platform.subscribeAsync(['elevgw/v1/it-gw/responses/+', 'elevgw/v1/it-gw/elevators/+/events'], { qos: 1 });
    sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS['door-open-while-moving']!.scenario, timeScale: 10, loop: true });
    gw = new Gateway({ config: siteConfig({ simPort: sim.port, brokerUrl: broker.url, outboxPath: join(tmp.dir, 'outbox.db'), timeScale: 10 }), logger: silentLogger });
    await gw.start();
    await vi.waitFor(() => expect(gw.uplink.state).toBe('online'));
    await vi.waitFor(() => expect(gw.monitors.get('E1')!.samples).toBeGreaterThan(5));
  });

  afterAll(async () => {
    await gw?.stop();
    await platform?.endAsync();
    await sim?.close();
    await broker?.close();
    tmp.cleanup();
  });

  async function ask(command: string, payload: string | Buffer): Promise<CommandResponse> {
    const before = responses.length;
    await platform.publishAsync(`elevgw/v1/it-gw/commands/${command}`, payload, { qos: 1 });
    await vi.waitFor(() => expect(responses.length).toBeGreaterThan(before), { timeout: 5000 });
    return responses[before]!;
  }

  it('answers diagnostics with the live running state, driver health and outbox figures', async () => {
    const r = await ask('diagnostics', JSON.stringify({ v: 1, requestId: 'r1' }));
    expect(r).toMatchObject({ command: 'diagnostics', requestId: 'r1', ok: true });
    const result = r.result as { elevators: { id: string; driver: { state: string }; state: { floor?: string } }[]; status: { outbox: { pending: number } } };
    expect(result.elevators[0]).toMatchObject({ id: 'E1', driver: { state: 'ok' } });
    expect(result.elevators[0]!.state.floor).toBeDefined();
    expect(typeof result.status.outbox.pending).toBe('number');
  });

  it('refuses unknown commands, broken JSON, wrong types, unknown elevators and oversized requests with a clear error', async () => {
    expect(await ask('open-door', JSON.stringify({ v: 1, requestId: 'x' }))).toMatchObject({ ok: false, error: { code: 'COMMAND_INVALID', message: expect.stringMatching(/unknown command \(expected one of: ping, diagnostics\)/) } });
    expect(await ask('ping', '{not json')).toMatchObject({ ok: false, error: { code: 'COMMAND_INVALID', message: expect.stringMatching(/not JSON/) } });
    expect(await ask('ping', JSON.stringify({ v: 1, requestId: 7 }))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/requestId/) } });
    expect(await ask('diagnostics', JSON.stringify({ v: 1, requestId: 'r2', args: { writeRegister: 3 } }))).toMatchObject({ ok: false, requestId: 'r2' });
    expect(await ask('diagnostics', JSON.stringify({ v: 1, requestId: 'r3', args: { elevatorId: 'E9' } }))).toMatchObject({ ok: false, error: { code: 'COMMAND_FAILED', message: expect.stringMatching(/unknown elevator "E9"/) } });
    expect(await ask('ping', Buffer.alloc(100_000, 0x7b))).toMatchObject({ ok: false, error: { message: expect.stringMatching(/too large/) } });
    // Still monitoring: faults keep arriving, and a good command is still answered.
    await vi.waitFor(() => expect(events).toContain('door-open-while-moving'), { timeout: 20_000 });
    expect(await ask('ping', JSON.stringify({ v: 1, requestId: 'p' }))).toMatchObject({ ok: true, result: { pong: true } });
  });
});
