#!/usr/bin/env node
import type { Command } from 'commander';
import { isElevgwError, errorMessage } from '../core/errors.js';
import { runProgram } from './root.js';

// `elevgw run` gets a tree with only its own command, so that none of the others' code is loaded
// into the long-running gateway (root.ts); every other command parses the whole tree.
const build: () => Promise<Command> = process.argv[2] === 'run' ? async () => runProgram() : async () => (await import('./program.js')).buildProgram();

build()
  .then((program) => program.parseAsync(process.argv))
  .catch((e: unknown) => {
    if (isElevgwError(e)) console.error(`elevgw: ${e.code}\n${e.message}`);
    else console.error(`elevgw: ${errorMessage(e)}`);
    // Documented exit codes: 3 when the running gateway (or a device) cannot be reached, 2 for usage and config errors.
    process.exitCode = isElevgwError(e, 'DIAG_UNREACHABLE') ? 3 : 2;
  });
