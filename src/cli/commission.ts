import type { Command } from 'commander';
import { z } from 'zod';
import { COMMISSIONING_STEPS, type CommissioningStep } from '../contract/commissioning.js';
import { loadConfig } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';
import { LANG_OPTION, resolveLang } from '../diag/i18n.js';
import { parseArg, pickElevator } from './args.js';

interface CommissionOpts {
  config: string;
  elevator: string;
  by: string;
  steps?: string;
  skipMains?: boolean;
  timeout: string;
  lang?: string;
}

const stepsSchema = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(COMMISSIONING_STEPS, { error: `expected steps among ${COMMISSIONING_STEPS.join(', ')}` })).min(1));

/**
 * `elevgw commission`: the guided commissioning of one lift. The steps are watched live through the
 * running service's diagnostics socket (the service keeps the bus); the checks judge the whole
 * session; the report goes under the state directory and its summary, as a `commissioning` event,
 * into the service's outbox for the platform (the socket's one write). Exit 0 passed, 1 failed or
 * aborted, 2 usage or config error, 3 no running gateway (or it could not store the event).
 */
export function registerCommission(program: Command): void {
  program
    .command('commission')
    .description(
      'guided commissioning at the lift, watched live through the running service: doors, top and bottom landings, every floor, inspection, alarm, mains; checks the floor table, rated speed, signals and rules; writes a JSON and HTML report and records a commissioning event',
    )
    .requiredOption('-c, --config <file>', 'site config (YAML); measured landing levels may be written into it, after you confirm')
    .requiredOption('--elevator <id>', 'which elevator')
    .requiredOption('--by <name>', "the technician's name, in the report and the event")
    .option('--steps <list>', `steps to walk, comma-separated, in that order (default: ${COMMISSIONING_STEPS.join(',')})`)
    .option('--skip-mains', 'leave out the mains cut')
    .option('--timeout <s>', 'seconds each step may take (site time; the every-floor step: per new landing)', '120')
    .option(LANG_OPTION.flags, LANG_OPTION.description)
    .action(async (opts: CommissionOpts) => {
      const lang = resolveLang(opts.lang);
      const config = loadConfig(opts.config);
      const e = pickElevator(config.elevators, opts.elevator);
      const technician = parseArg(z.string().trim().min(1, 'a name is needed').max(64, 'at most 64 characters'), opts.by, '--by');
      const timeoutS = parseArg(z.coerce.number().positive().max(86_400), opts.timeout, '--timeout');
      let steps: CommissioningStep[] = opts.steps === undefined ? [...COMMISSIONING_STEPS] : parseArg(stepsSchema, opts.steps, '--steps');
      if (opts.skipMains) steps = steps.filter((s) => s !== 'mains');
      if (steps.length === 0) throw new ElevgwError('CONFIG_INVALID', '--steps: no step left to walk');
      const { commission } = await import('./commission-action.js');
      process.exitCode = await commission({ config, e, technician, timeoutS, steps, lang });
    });
}
