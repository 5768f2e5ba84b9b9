#!/usr/bin/env node
import { type Command, CommanderError } from 'commander';
import { isElevgwError, errorMessage } from '../core/errors.js';
import { runProgram } from './root.js';
import { stopWhenStdoutCloses } from './shutdown.js';

// `elevgw run` gets a tree with only its own command, so that none of the others' code is loaded
// into the long-running gateway (root.ts); every other command parses the whole tree.
const build: () => Promise<Command> = process.argv[2] === 'run' ? async () => runProgram() : async () => (await import('./program.js')).buildProgram();

/**
 * Commander exits on its own when it finds a usage error (a missing option or argument, an unknown
 * option or command), with code 1, which `health` and the diag commands document as "unhealthy" or
 * "a check failed". Every command throws instead, and the usage error exits 2 like any other;
 * help and the version still exit 0.
 */
function throwOnUsageErrors(c: Command): void {
  c.exitOverride();
  for (const sub of c.commands) throwOnUsageErrors(sub);
}

stopWhenStdoutCloses();

build()
  .then((program) => {
    throwOnUsageErrors(program);
    return program.parseAsync(process.argv);
  })
  .catch((e: unknown) => {
    // Commander has printed its own message already.
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isElevgwError(e)) console.error(`elevgw: ${e.code}\n${e.message}`);
    else console.error(`elevgw: ${errorMessage(e)}`);
    // Documented exit codes: 3 when the running gateway (or a device) cannot be reached, 2 for usage and config errors.
    process.exitCode = isElevgwError(e, 'DIAG_UNREACHABLE') ? 3 : 2;
  });
