import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A program run in a real terminal: a tmux session on its own socket (never the user's tmux
 * server), typed into with send-keys and read back with capture-pane, as an installer at an
 * SSH prompt would use it.
 */
/** Terminals started so far: each gets a socket (and so a tmux server) of its own. */
let started = 0;

export class TmuxTerminal {
  private readonly socket: string;
  /** Lines of the screen already answered: waits look only below it. */
  private mark = 0;

  private constructor(dir: string) {
    // Not one socket per directory: kill-server returns before the server is gone, and a new
    // session on the same socket can meet the dying server ("server exited unexpectedly").
    this.socket = join(dir, `tmux-${++started}.sock`);
  }

  /** Starts `command` (a shell line) in a detached 200×50 terminal; its exit status is printed as `[exit N]`. */
  static start(dir: string, command: string): TmuxTerminal {
    const t = new TmuxTerminal(dir);
    // `cat` keeps the pane open after the program ends, so its last words can still be read.
    t.tmux('new-session', '-d', '-x', '200', '-y', '50', `${command}; echo "[exit $?]"; cat`);
    t.tmux('set-option', '-g', 'history-limit', '10000');
    return t;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
  }

  /** Everything the terminal has shown, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-E', '-');
  }

  /** Waits until a line below the last answer matches; returns the text shown since that answer. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.screen().split('\n');
      const fresh = lines.slice(this.mark).join('\n');
      if (pattern.test(fresh)) return fresh;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${pattern} after line ${this.mark}; screen:\n${lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types `text` and Enter; later waits look below the line it was typed on. */
  answer(text: string): void {
    const lines = this.screen().replace(/\n+$/, '').split('\n');
    this.mark = lines.length;
    if (text !== '') this.tmux('send-keys', '-l', text);
    this.tmux('send-keys', 'Enter');
  }

  /** Asks for `prompt`, then answers it. */
  async reply(prompt: RegExp, text: string): Promise<void> {
    await this.waitFor(prompt);
    this.answer(text);
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
