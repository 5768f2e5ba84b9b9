import { spawn } from 'node:child_process';

/**
 * systemd readiness and watchdog without a native module: `systemd-notify` talks to
 * $NOTIFY_SOCKET (the unit sets NotifyAccess=all so a helper process may). Outside systemd
 * (no NOTIFY_SOCKET) everything here is a no-op.
 */
export class SystemdNotifier {
  private timer?: NodeJS.Timeout;
  readonly enabled = Boolean(process.env.NOTIFY_SOCKET);

  private send(...args: string[]): void {
    if (!this.enabled) return;
    const p = spawn('systemd-notify', args, { stdio: 'ignore' });
    p.on('error', () => undefined); // systemd-notify missing: nothing to tell
  }

  ready(status: string): void {
    this.send('--ready', `--status=${status}`);
  }

  /**
   * Pings the watchdog at half its period, but only while `healthy()` says the pipeline is
   * progressing (every elevator sampled recently): a hung poll loop gets the service restarted.
   */
  startWatchdog(healthy: () => boolean): void {
    const usec = Number(process.env.WATCHDOG_USEC ?? 0);
    if (!this.enabled || !(usec > 0)) return;
    this.timer = setInterval(() => {
      if (healthy()) this.send('WATCHDOG=1');
    }, usec / 2000);
    this.timer.unref?.();
  }

  stopping(): void {
    clearInterval(this.timer);
    this.send('STOPPING=1');
  }
}
