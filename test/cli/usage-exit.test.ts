import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/child-gateway.js';

const elevgw = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });

/**
 * README and docs/diagnostics.md: exit 2 is "a usage or config error: a flag or value it does not
 * accept"; 1 is "unhealthy" or "a check failed". A usage error that commander finds itself (a
 * missing option or argument, an unknown option or command) exits 2 like the ones the commands
 * find, with commander's one line; help and the version exit 0.
 */
describe('usage errors exit 2', () => {
  it.each([
    [['health'], /^error: required option '-c, --config <file>' not specified/],
    [['health', '--config', 'x.yaml', '--bogus'], /^error: unknown option '--bogus'/],
    [['diag', 'signals'], /^error: required option/],
    [['diag', 'scan', '--tcp'], /^error: option '--tcp <host\[:port\]>' argument missing/],
    [['nosuch'], /^error: unknown command 'nosuch'/],
    [['run'], /^error: required option/],
  ])('elevgw %j', (args, message) => {
    const r = elevgw(...args);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/^elevgw: /m);
    expect(r.status).toBe(2);
  });

  it('--help and --version exit 0', () => {
    for (const args of [['--help'], ['--version'], ['diag', '--help'], ['run', '--help']]) expect(elevgw(...args).status, args.join(' ')).toBe(0);
  });
});
