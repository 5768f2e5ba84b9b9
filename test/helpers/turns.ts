/**
 * Waiting for in-memory fakes without wall-clock time: mock serial bindings, fake cables and
 * mock Firmata boards answer on later turns of the event loop (process.nextTick, setImmediate),
 * never after a delay. These helpers yield turns, not milliseconds, so a test never depends on
 * how loaded the machine is. Only a test that truly crosses a process or a socket waits on time.
 */
export async function settle(turns = 6): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs `check` after each turn until it passes; fails with its last error after `maxTurns`. */
export async function afterTurns(check: () => void | Promise<void>, maxTurns = 100): Promise<void> {
  let last: unknown;
  for (let i = 0; i < maxTurns; i++) {
    try {
      await check();
      return;
    } catch (e) {
      last = e;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw last;
}
