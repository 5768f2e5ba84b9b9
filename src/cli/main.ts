#!/usr/bin/env node
import { Command } from 'commander';
import { VERSION } from '../runtime/version.js';
import { registerRun } from './run.js';
import { registerSim } from './sim.js';
import { registerDemo } from './demo.js';
import { registerConfig } from './config.js';
import { registerDiag } from './diag.js';
import { registerContract } from './contract.js';
import { registerReplay } from './replay.js';
import { isElevgwError, errorMessage } from '../core/errors.js';

const program = new Command()
  .name('elevgw')
  .description('Edge gateway for elevator monitoring: field drivers → fault rules → SQLite outbox → MQTT')
  .version(VERSION);

registerRun(program);
registerSim(program);
registerDemo(program);
registerConfig(program);
registerDiag(program);
registerContract(program);
registerReplay(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (isElevgwError(e)) console.error(`elevgw: ${e.code}\n${e.message}`);
  else console.error(`elevgw: ${errorMessage(e)}`);
  process.exitCode = 2;
});
