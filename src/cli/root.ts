import { Command } from 'commander';
import { VERSION } from '../runtime/version.js';
import { registerRun } from './run.js';

/** `elevgw` itself, without its commands: buildProgram adds all of them, runProgram only `run`. */
export function rootCommand(): Command {
  return new Command().name('elevgw').description('Edge gateway for elevator monitoring: field drivers → fault rules → SQLite outbox → MQTT').version(VERSION);
}

/**
 * The tree `elevgw run` is parsed with: the root and `run`, nothing else. The gateway stays up
 * for years on small boards, and every other command's register file would stay loaded with it,
 * with what its options and help text import (the simulator's scenarios, replay, the technicians'
 * texts): about 1 MiB of RSS (issue 15). `elevgw run --help` and its errors read the same.
 */
export function runProgram(): Command {
  const program = rootCommand();
  registerRun(program);
  return program;
}
