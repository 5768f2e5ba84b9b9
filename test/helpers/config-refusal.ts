import { type ConfigProblem, loadConfig } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';

/** The problems `loadConfig` refuses a site config file with (CONFIG_INVALID); throws when it loads. */
export function configProblems(file: string): ConfigProblem[] {
  try {
    loadConfig(file);
  } catch (e) {
    if (isElevgwError(e, 'CONFIG_INVALID')) return e.context.problems as ConfigProblem[];
    throw e;
  }
  throw new Error('config was accepted');
}
