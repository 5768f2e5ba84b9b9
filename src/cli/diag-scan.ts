import type { Command } from 'commander';
import { LANG_OPTION } from '../diag/i18n.js';
import { DEFAULT_BAUDS, DEFAULT_PARITIES, DEFAULT_UNITS } from '../diag/scan-settings.js';
import { INSTALLED_CONFIG } from './args.js';
import type { ScanOpts } from './diag-scan-action.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `elevgw diag scan`: finds the Modbus devices on a serial port or a Modbus TCP host, with their
 * line settings and the board profile they fit. Read-only function codes only. A port the
 * running service uses is left alone, with one line saying so. Exit 0 devices found, 1 none,
 * 2 usage or config error, 3 port or host unusable (held by the service, missing, no permission).
 */
export function registerDiagScan(diag: Command): void {
  diag
    .command('scan')
    .description('find Modbus devices: unit ids × baud rates × parity on a serial port, unit ids on a Modbus TCP host (read-only)')
    .option('--port <path>', 'serial port to scan (repeat for several ports)', collect, [])
    .option('--tcp <host[:port]>', 'Modbus TCP host to scan, port 502 by default (repeat for several hosts)', collect, [])
    .option('--units <list>', 'unit ids to try, e.g. 1-10,17', DEFAULT_UNITS)
    .option('--bauds <list>', 'baud rates to try, likeliest first', DEFAULT_BAUDS)
    .option('--parity <list>', 'parities to try: none, even, odd', DEFAULT_PARITIES)
    .option('--timeout <ms>', 'per-unit timeout instead of the one chosen from the baud rate (500 ms on TCP)')
    .option('-c, --config <file>', `the site config: the port its service uses is left alone, its boardsDir profiles are matched too (default: ${INSTALLED_CONFIG} when present)`)
    .option('--json', 'machine-readable result on stdout (progress stays on stderr)')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: ScanOpts) => (await import('./diag-scan-action.js')).scanCommand(opts));
}
