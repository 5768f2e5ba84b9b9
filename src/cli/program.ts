import type { Command } from 'commander';
import { rootCommand } from './root.js';
import { registerRun } from './run.js';
import { registerSim } from './sim.js';
import { registerDemo } from './demo.js';
import { registerConfig } from './config.js';
import { registerDiag } from './diag.js';
import { registerContract } from './contract.js';
import { registerReplay } from './replay.js';
import { registerHealth } from './health.js';
import { registerCommission } from './commission.js';
import { registerPlatform } from './platform.js';
import { registerUninstall } from './uninstall.js';
import { registerUpgrade } from './upgrade.js';
import { registerInit } from './init.js';

/**
 * The `elevgw` command tree, built without parsing anything, so that a test can walk every
 * command and flag and hold the README's command table to it (test/docs/docs-match-code.test.ts).
 *
 * Every command is declared here, but what it does is imported inside its action: a process
 * carries only the command it runs. `elevgw run` is the one that stays up for years, on small
 * boards, and it must not hold the demo's broker, the simulator, the platform, provisioning or
 * the technicians' diagnostics (issue 15; `npm run bench -- memory`). A register file imports
 * only what its options and help text show; the rest lives in its action or an `-action.ts` file.
 * `elevgw run` does not even build this tree: main.ts gives it runProgram() (root.ts).
 */
export function buildProgram(): Command {
  const program = rootCommand();
  registerRun(program);
  registerSim(program);
  registerDemo(program);
  registerConfig(program);
  registerDiag(program);
  registerContract(program);
  registerReplay(program);
  registerHealth(program);
  registerCommission(program);
  registerPlatform(program);
  registerUninstall(program);
  registerUpgrade(program);
  registerInit(program);
  return program;
}
