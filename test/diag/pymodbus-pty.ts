import { afterAll, beforeAll } from 'vitest';
import { type PtyPair, startPtyPair } from '../../src/sim/pty-pair.js';
import { tempDir } from '../helpers/tmp.js';
import { type PymodbusSlave, startPymodbusSlave } from '../interop/pymodbus.js';

export interface PymodbusOnPty {
  /** The pty pair: the slave serves `a`, the scan opens `b` as a technician's adapter. */
  readonly pair: PtyPair;
  /** The test's temporary directory (the pair's links live in it). */
  readonly dir: string;
}

/**
 * One controller on an RS-485 line for a `diag scan` test: pymodbus (a peer we did not write) at
 * `unit`, 9600 8N1, on one end of a socat pty pair, started before the describe's tests and
 * stopped after them. Call inside `describe`.
 */
export function pymodbusOnPty(prefix: string, unit: number): PymodbusOnPty {
  const tmp = tempDir(prefix);
  let pair: PtyPair | undefined;
  let slave: PymodbusSlave | undefined;
  beforeAll(async () => {
    pair = await startPtyPair(tmp.dir);
    slave = await startPymodbusSlave({ port: pair.a, unit, baud: 9600 });
  }, 30_000);
  afterAll(async () => {
    await slave?.close();
    await pair?.close();
    tmp.cleanup();
  });
  return {
    get pair() {
      if (!pair) throw new Error('the pty pair is not started yet (use it inside a test)');
      return pair;
    },
    dir: tmp.dir,
  };
}
