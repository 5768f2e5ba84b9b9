/** What a command with a shutdown runs when the reader of its output goes away. */
let stopOnClosedPipe: (() => void) | undefined;

/** Runs `stop` once on SIGINT/SIGTERM, then exits; a second signal exits at once. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals | 'a closed stdout') => {
    if (stopping) {
      // Every line written after the pipe closed fails again: only a second signal hurries the stop.
      if (sig !== 'a closed stdout') process.exit(130);
      return;
    }
    stopping = true;
    stop()
      .then(() => process.exit(0))
      .catch((e: unknown) => {
        console.error(`elevgw: error during shutdown on ${sig}: ${String(e)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  stopOnClosedPipe = () => handler('a closed stdout');
}

let outlive = false;

/**
 * For a command that must finish what it started with nobody watching (`elevgw upgrade`): a
 * hangup (SIGHUP), a terminal that is gone (EIO) or a pipe whose reader left (EPIPE) no longer end
 * it; what it prints is lost from then on, what it journals is not.
 */
export function outliveTheTerminal(): void {
  outlive = true;
  process.on('SIGHUP', () => {});
  process.stderr.on('error', () => {});
}

/**
 * The reader of stdout went away (`elevgw demo | head`, a `diag live --json | jq` quit). A C
 * program would die of SIGPIPE; Node ignores it, and the write's EPIPE crashed the command with a
 * stack trace, leaving a demo's broker, simulator and temp directory behind. A command with a
 * shutdown now stops as on SIGTERM (exit 0); any other exits quietly with 0.
 */
export function stopWhenStdoutCloses(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (outlive) return;
    if (e.code !== 'EPIPE') throw e;
    if (stopOnClosedPipe) stopOnClosedPipe();
    else process.exit(0);
  });
}
