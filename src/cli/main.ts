#!/usr/bin/env node
import { buildProgram } from './program.js';
import { isElevgwError, errorMessage } from '../core/errors.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (isElevgwError(e)) console.error(`elevgw: ${e.code}\n${e.message}`);
    else console.error(`elevgw: ${errorMessage(e)}`);
    // Documented exit codes: 3 when the running gateway (or a device) cannot be reached, 2 for usage and config errors.
    process.exitCode = isElevgwError(e, 'DIAG_UNREACHABLE') ? 3 : 2;
  });
