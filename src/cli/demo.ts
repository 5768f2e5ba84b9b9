import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LoadedConfig } from '../config/load.js';
import { logLevelSchema, parseArg, speedSchema } from './args.js';
import { onShutdown } from './shutdown.js';
import { z } from 'zod';

/**
 * The whole path on one machine with nothing installed: the virtual elevator served over
 * Modbus TCP, the gateway reading it through boards/sim-modbus.yaml, an embedded broker on
 * loopback, and a platform consumer printing what the district platform receives.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulated building → gateway → embedded broker → platform consumer, all on loopback')
    .option('--speed <factor>', 'simulated time runs this many times faster (thresholds keep real values)', '4')
    .option('--duration <seconds>', 'stop after this many real seconds (default: until Ctrl-C)')
    .option('--telemetry', 'also print the periodic running status')
    .option('--log-level <level>', 'gateway log level (logs go to stderr)', 'warn')
    .action(async (opts: { speed: string; duration?: string; telemetry?: boolean; logLevel: string }) => {
      const speed = parseArg(speedSchema, opts.speed, '--speed');
      const duration = opts.duration === undefined ? undefined : parseArg(z.coerce.number().positive(), opts.duration, '--duration');
      // Imported here, not above: the broker and the simulator stay out of `elevgw run` (program.ts).
      const [{ loadConfig, packageRoot }, { createLogger }, { Gateway }, { startEmbeddedBroker }, { startPlatformConsumer, formatMessage }, { startSimModbusTcp }, { SCENARIOS }] =
        await Promise.all([
          import('../config/load.js'),
          import('../core/log.js'),
          import('../runtime/gateway.js'),
          import('../platform/broker.js'),
          import('../platform/consumer.js'),
          import('../sim/host.js'),
          import('../sim/scenarios.js'),
        ]);
      // Before anything is started: a level pino does not know would throw with the broker and the simulator running.
      const logger = createLogger({ level: parseArg(logLevelSchema, opts.logLevel, '--log-level'), destination: process.stderr });
      const file = join(packageRoot(), 'config', 'demo.yaml');
      const base = loadConfig(file);
      const broker = await startEmbeddedBroker();
      const sim = await startSimModbusTcp({ host: '127.0.0.1', port: 0, unitId: 1, scenario: SCENARIOS.demo!.scenario, timeScale: speed, loop: true });
      const dir = mkdtempSync(join(tmpdir(), 'elevgw-demo-'));
      const config: LoadedConfig = {
        ...base,
        outboxPath: join(dir, 'outbox.db'),
        // Its own socket beside its own outbox, not the package's data/ (read-only when installed, or a real gateway's).
        diagSocketPath: join(dir, 'diag.sock'),
        site: { ...base.site, uplink: { ...base.site.uplink, url: broker.url }, runtime: { timeScale: speed } },
        elevators: base.elevators.map((e) => ({ ...e, config: { ...e.config, connection: { host: sim.host, port: sim.port, unitId: 1 } } })),
      };
      const e1 = config.elevators[0]!.config;
      console.log(`elevgw demo — ${config.site.gateway.site}`);
      console.log(`  simulator  Modbus TCP ${sim.host}:${sim.port} (scenario "demo", ${speed}× real time, board sim-modbus)`);
      console.log(`  broker     ${broker.url} (embedded aedes, MQTT 3.1.1)`);
      console.log(`  elevator   ${e1.id} ${e1.name}, registration ${e1.registrationCode}, ${e1.floors.length} floors`);
      console.log(`  outbox     ${config.outboxPath}`);
      console.log(`What the district platform receives (time, marker, elevator, event, phase, floor):`);
      const consumer = await startPlatformConsumer(broker.url, config.site.uplink.topicPrefix, (m) => {
        if (m.kind === 'telemetry' && !opts.telemetry) return;
        if ((m.kind === 'status' || m.kind === 'info') && !opts.telemetry) return;
        const line = formatMessage(m);
        if (line) console.log(line);
      });
      // aedes speaks MQTT 3.1.1 only: connecting with 5 first would log a refusal and a fall-back at every demo start.
      const gw = new Gateway({ config, logger, mqttVersion: 4 });
      const stop = async () => {
        await gw.stop();
        await consumer.close();
        await sim.close();
        await broker.close();
        rmSync(dir, { recursive: true, force: true });
        const events = consumer.messages.filter((m) => m.kind === 'event').length;
        console.log(`demo stopped: the platform received ${events} event(s).`);
      };
      onShutdown(stop);
      await gw.start();
      if (duration !== undefined) {
        setTimeout(() => {
          stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        }, duration * 1000);
      }
    });
}
