import type { Command } from 'commander';
import { logLevelSchema, parseArg } from './args.js';
import { onShutdown } from './shutdown.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the gateway with a site config (SIGINT/SIGTERM stop it cleanly)')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--log-level <level>', 'pino level', process.env.ELEVGW_LOG_LEVEL ?? 'info')
    .action(async (opts: { config: string; logLevel: string }) => {
      const [{ loadConfig }, { createLogger }, { Gateway }, { systemTimers }, { errorMessage }, { exposedMinorGc, startRestGc }] = await Promise.all([
        import('../config/load.js'),
        import('../core/log.js'),
        import('../runtime/gateway.js'),
        import('../core/clock.js'),
        import('../core/errors.js'),
        import('../runtime/rest-gc.js'),
      ]);
      const level = parseArg(logLevelSchema, opts.logLevel, '--log-level');
      const config = loadConfig(opts.config);
      const logger = createLogger({ level });
      const gw = new Gateway({ config, logger });
      // The release's launcher runs `run` with --expose-gc: young-generation collections then
      // happen between polls instead of on an event's way (src/runtime/rest-gc.ts).
      const rest = startRestGc({
        timers: systemTimers,
        collect: exposedMinorGc(),
        onError: (e) => logger.warn({ err: errorMessage(e) }, 'collections at rest stopped; V8 collects on its own from now on'),
      });
      onShutdown(async () => {
        rest.stop();
        await gw.stop();
      });
      await gw.start();
    });
}
