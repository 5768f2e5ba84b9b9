import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import type { Verdict } from '../diag/broker/run.js';
import { LANG_OPTION, resolveLang } from '../diag/i18n.js';
import { DIAG_EXIT } from './diag-signals.js';

const EXIT: Record<Verdict, number> = { ok: DIAG_EXIT.ok, failed: DIAG_EXIT.checkFailed, unreachable: DIAG_EXIT.unreachable };

/**
 * `elevgw diag broker`: checks the uplink step by step from the site config — DNS, TCP, TLS, MQTT
 * CONNECT, an echo on the gateway's own test topic, the round trip — and says what to fix. Exit 0
 * all good (warnings allowed), 1 a check failed, 3 the broker cannot be reached (DNS, TCP), 2 a
 * usage or config error. It connects as a separate client: the running service stays connected.
 */
export function registerDiagBroker(diag: Command): void {
  diag
    .command('broker')
    .description('check the uplink step by step: DNS, TCP, TLS, MQTT CONNECT, echo on the test topic, round trip')
    .requiredOption('-c, --config <file>', 'site config (YAML)')
    .option('--json', 'machine-readable output (the same steps)')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: { config: string; json?: boolean; lang?: string }) => {
      const [{ renderJson, renderText }, { diagnoseBroker, verdict }, { brokerTarget }, { DEFAULT_LIMITS }] = await Promise.all([
        import('../diag/broker/render.js'),
        import('../diag/broker/run.js'),
        import('../diag/broker/target.js'),
        import('../diag/broker/types.js'),
      ]);
      const lang = resolveLang(opts.lang);
      const target = brokerTarget(loadConfig(opts.config));
      const steps = await diagnoseBroker(target, { timers: systemClock, wallNow: () => systemClock.wallNow(), limits: DEFAULT_LIMITS });
      const v = verdict(steps);
      const report = { target, steps, verdict: v, exitCode: EXIT[v], lang };
      console.log(opts.json ? renderJson(report) : renderText(report));
      process.exitCode = EXIT[v];
    });
}
