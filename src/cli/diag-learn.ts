import type { Command } from 'commander';
import { LANG_OPTION } from '../diag/i18n.js';
import type { LearnOpts } from './diag-learn-action.js';

/**
 * `elevgw diag learn`: the learning run of a retrofit sensor box (docs/retrofit.md), or with
 * `--check` how far the learned anchors have drifted, offering a new run. It opens the box itself
 * (stop the gateway service first); the car is driven by the technician, never by elevgw.
 * Exit 0 learned (or still fitting), 1 incomplete (Ctrl-C too: nothing written) or drifted, 2 usage
 * or config error, 3 the box cannot be read or the service is running.
 */
export function registerDiagLearn(diag: Command): void {
  diag
    .command('learn')
    .description(
      "learning run of a retrofit sensor box: each landing's level, pressure signature and vane edges, into the site config (with a backup); --check reports drifted anchors and offers a new run (stop the service first)",
    )
    .requiredOption('-c, --config <file>', 'site config (YAML); the learned shaft is written into it after you confirm')
    .option('--elevator <id>', 'which elevator (default: the first)')
    .option('--check', 'watch the car stop with the learned shaft and say whether its anchors drifted')
    .option('--yes', 'write without asking')
    .option('--timeout <s>', 'give up after this many seconds', '1800')
    .option('--stops <n>', '--check: stop after this many stops (default: once the car has stopped 5 times at every landing)')
    .option('--json', 'the result as one JSON object')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: LearnOpts) => {
      process.exitCode = await (await import('./diag-learn-action.js')).learn(opts);
    });
}
