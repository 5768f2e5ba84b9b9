import type { Command } from 'commander';
import { LANG_OPTION } from '../diag/i18n.js';
import { INSTALLED_CONFIG } from './args.js';
import type { LiveOpts } from './diag-live-action.js';

/**
 * `elevgw diag live`: a live picture of one elevator, from the running service's diagnostics socket
 * (the service keeps the bus), or — when no service answers — from the bus read by this process,
 * said on screen. Full screen on a terminal, redrawn in place; one line (or JSON object) per frame
 * otherwise. A bad or stale reading is `?`; so is everything when the service stops answering.
 */
export function registerDiagLive(diag: Command): void {
  diag
    .command('live')
    .description('live picture of an elevator: shaft and car, doors, circuits, faults, driver and outbox, from the running service or else the bus (read-only; q quits)')
    .option('-c, --config <file>', 'site config (YAML)', INSTALLED_CONFIG)
    .option('--elevator <id>', 'which elevator (default: the first)')
    .option('--count <n>', 'stop after this many frames (default: until q or Ctrl-C)')
    .option('--json', 'one JSON object per frame instead of the picture (a bad reading is null)')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: LiveOpts) => (await import('./diag-live-action.js')).liveCommand(opts));
}
