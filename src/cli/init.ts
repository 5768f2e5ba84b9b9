import type { Command } from 'commander';
import { COLUMNS } from '../provision/columns.js';
import type { InitOptions } from './init-action.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * `elevgw init`: provisions this gateway — interactively, from flags, or from one row of a
 * roll-out CSV (docs/provisioning.md). Two things come from the environment for tests only:
 * ELEVGW_DEV_DIR (where serial adapters are listed, default /dev) and ELEVGW_MACHINE_ID_FILE.
 */
export function registerInit(program: Command): void {
  const cmd = program
    .command('init')
    .description('provision this gateway: site config, credentials, private key and CSR (interactive, from flags, or from a roll-out CSV row)')
    .option('--out-dir <dir>', 'where site.yaml, credentials and tls/ are written', '/etc/elevgw')
    .option('--state-dir <dir>', "the service's state directory (holds the outbox)", '/var/lib/elevgw')
    .option('--csv <file>', 'a roll-out CSV: answers from one of its rows')
    .option('--row <n>', 'which data row of --csv (1 = the first after the header); or pick it by --gateway-id');
  for (const c of COLUMNS) {
    if (c.perElevator) cmd.option(`${c.flag} ${c.value}`, c.help, collect);
    else cmd.option(`${c.flag} ${c.value}`, c.help);
  }
  cmd
    .option('--password-file <file>', 'the broker password, first line of FILE (- for stdin); never a flag, which ps would show')
    .option('-y, --yes', 'accept the default of every answer not given as a flag')
    .option('--force', 'replace an earlier init (each replaced file is kept as FILE.bak-TIME; the key is kept)')
    .option('--lang <lang>', 'zh, en or both (default: from LANG)')
    .action(async (opts: InitOptions) => (await import('./init-action.js')).initCommand(opts));
}
