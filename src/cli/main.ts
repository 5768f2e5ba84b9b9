#!/usr/bin/env node
import { buildProgram } from './program.js';
import { isElevgwError, errorMessage } from '../core/errors.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    if (isElevgwError(e)) console.error(`elevgw: ${e.code}\n${e.message}`);
    else console.error(`elevgw: ${errorMessage(e)}`);
    process.exitCode = 2;
  });
