import { describe, expect, it } from 'vitest';
import { elevgw } from './cli-run.js';

/**
 * docs/diagnostics.md: exit 2 for "a flag or value it does not accept", 3 for a port that is
 * missing. `--port ""` — an unset shell variable in `--port "$PORT"` — is a usage error naming
 * --port, not "✗  does not exist" about a port with no name.
 */
describe('diag scan --port with an empty path', () => {
  it.each([[''], ['  ']])(
    '--port %j: exit 2, "--port: expected a serial device path"',
    async (path) => {
      const run = await elevgw(['diag', 'scan', '--port', path, '--units', '1', '--bauds', '9600', '--parity', 'none']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--port: expected a serial device path/);
      expect(run.stderr).not.toMatch(/does not exist/);
    },
    30_000,
  );
});
