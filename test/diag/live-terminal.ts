import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A program in a real terminal of a given size (tmux on its own socket, never the user's server),
 * read back with capture-pane and typed into with send-keys — what a technician sees over SSH.
 */
/** Terminals started so far: each gets a socket (and so a tmux server) of its own. */
let started = 0;

export class Terminal {
  private readonly socket: string;

  private constructor(dir: string) {
    // Not one socket per directory: kill-server returns before the server is gone, and a new
    // session on the same socket can meet the dying server ("server exited unexpectedly").
    this.socket = join(dir, `tmux-${++started}.sock`);
  }

  /** Runs `command` (a shell line) in a detached `width`×`height` terminal; its exit status is printed as `[exit N]`, and the pane stays. */
  static start(dir: string, command: string, size = { width: 100, height: 40 }): Terminal {
    const t = new Terminal(dir);
    t.tmux('new-session', '-d', '-x', String(size.width), '-y', String(size.height), `${command}; echo "[exit $?]"; cat`);
    t.tmux('set-option', '-g', 'history-limit', '10000');
    return t;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '', LANG: 'C.UTF-8' } });
  }

  /** The screen as it is now (a full-screen program's picture). */
  screen(): string {
    return this.tmux('capture-pane', '-p');
  }

  /** Everything shown since the start, scrolled-off lines included, wrapped lines joined. */
  history(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-');
  }

  /** Waits until the screen (or the whole history) matches; returns the match. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000, where: 'screen' | 'history' = 'screen'): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = where === 'screen' ? this.screen() : this.history();
      const m = text.match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern} within ${timeoutMs} ms; it shows:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types text literally (no key names). */
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }

  /** Presses keys by tmux name: `Enter`, `Escape`, `C-c`. */
  press(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

/** A shell word, quoted. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
