import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig, packageRoot, type LoadedConfig } from '../src/config/load.js';
import { silentLogger } from '../src/core/log.js';
import { Gateway } from '../src/runtime/gateway.js';
import { startEmbeddedBroker } from '../src/platform/broker.js';
import { startSimModbusTcp } from '../src/sim/host.js';
import { parseSimScenario } from '../src/sim/scenario.js';

const PRESSES = 40;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * End-to-end latency at real time: the alarm button changes in the simulator → Modbus TCP poll
 * (100 ms group) → rules → SQLite commit (FULL) → MQTT → subscriber. Median and p99 over presses.
 * A rule's own hold (200 ms for an alarm press by default) comes on top of these figures.
 */
export async function benchEndToEnd(): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'elevgw-bench-e2e-'));
  const broker = await startEmbeddedBroker();
  const idle = parseSimScenario({ name: 'idle', durationS: 3600 });
  const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: idle, timeScale: 1, loop: true });
  const base = loadConfig(join(packageRoot(), 'config', 'demo.yaml'));
  const config: LoadedConfig = {
    ...base,
    outboxPath: join(dir, 'outbox.db'),
    site: { ...base.site, uplink: { ...base.site.uplink, url: broker.url, telemetryIntervalS: 0 } },
    // The alarm rule's 200 ms minimum press is a deliberate hold, not latency: measure the pipeline without it.
    elevators: base.elevators.map((e) => ({
      ...e,
      thresholds: { ...e.thresholds, alarmPressed: { ...e.thresholds.alarmPressed, minPressMs: 0 } },
      config: { ...e.config, connection: { host: sim.host, port: sim.port, unitId: 1 } },
    })),
  };
  const gw = new Gateway({ config, logger: silentLogger });
  const sub = await mqtt.connectAsync(broker.url, { clientId: 'bench-sub' });
  let waiting: ((t: number) => void) | undefined;
  sub.on('message', (_t, p) => {
    const e = JSON.parse(p.toString()) as { type: string };
    if (e.type === 'alarm-pressed') waiting?.(performance.now());
  });
  await sub.subscribeAsync('elevgw/v1/+/elevators/+/events', { qos: 1 });
  await gw.start();
  await new Promise((r) => setTimeout(r, 1500));
  const latencies: number[] = [];
  try {
    for (let i = 0; i < PRESSES; i++) {
      const got = new Promise<number>((resolve) => (waiting = resolve));
      const t0 = performance.now();
      sim.sim.elevator.pressAlarm(true);
      const t1 = await Promise.race([got, new Promise<number>((r) => setTimeout(() => r(NaN), 3000))]);
      if (!Number.isNaN(t1)) latencies.push(t1 - t0);
      sim.sim.elevator.pressAlarm(false);
      // Released long enough for the rule's clear hold, plus a random phase against the poll period.
      await new Promise((r) => setTimeout(r, 1500 + Math.random() * 100));
    }
  } finally {
    await gw.stop();
    await sub.endAsync();
    await sim.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return {
    'e2e presses measured': `${latencies.length}/${PRESSES}`,
    'e2e latency median (ms)': Math.round(percentile(latencies, 50)),
    'e2e latency p99 (ms)': Math.round(percentile(latencies, 99)),
    'e2e latency max (ms)': Math.round(latencies.at(-1) ?? NaN),
  };
}
