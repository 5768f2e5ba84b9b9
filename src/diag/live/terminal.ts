/**
 * A full-screen picture redrawn in place with plain ANSI/VT100 sequences: the alternate screen,
 * cursor home, erase to end of line and of screen. Every terminal a technician meets speaks
 * these (a phone's SSH client, PuTTY, tmux, the Linux console), whatever TERM says, so no terminal
 * library is needed: the picture is a whole frame a few times a second, not a widget tree to
 * diff (docs/diagnostics.md says why not blessed or ink). The terminal is always given back as it
 * was — cursor shown, main screen, cooked input — on `q`, Ctrl-C, SIGTERM, SIGHUP or an error.
 */

const ALT_SCREEN_ON = '\x1b[?1049h';
const ALT_SCREEN_OFF = '\x1b[?1049l';
const CURSOR_HIDE = '\x1b[?25l';
const CURSOR_SHOW = '\x1b[?25h';
const HOME = '\x1b[H';
const ERASE_LINE_END = '\x1b[K';
const ERASE_SCREEN_END = '\x1b[J';

export interface Tty {
  out: NodeJS.WriteStream;
  input: NodeJS.ReadStream;
}

export class FullScreen {
  private active = false;
  private readonly restoreOnExit = () => this.stop();

  constructor(private readonly tty: Tty) {}

  size(): { width: number; height: number } {
    return { width: this.tty.out.columns || 80, height: this.tty.out.rows || 24 };
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.tty.out.write(ALT_SCREEN_ON + CURSOR_HIDE);
    process.once('exit', this.restoreOnExit);
  }

  /** One frame: every line overwritten from the top left, nothing left below. Never writes past the last row (no scroll). */
  draw(lines: readonly string[]): void {
    if (!this.active) return;
    this.tty.out.write(HOME + lines.map((l) => l + ERASE_LINE_END).join('\r\n') + ERASE_SCREEN_END);
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    process.off('exit', this.restoreOnExit);
    this.tty.out.write(CURSOR_SHOW + ALT_SCREEN_OFF);
  }
}

/**
 * Single keys from a terminal in raw mode (no Enter needed); Ctrl-C arrives as the key `\x03`
 * rather than a signal, so the caller can put the terminal back before it exits. Returns the
 * function that restores cooked mode and stops listening.
 */
export function readKeys(input: NodeJS.ReadStream, onKey: (key: string) => void): () => void {
  const wasRaw = input.isRaw;
  if (input.isTTY) input.setRawMode(true);
  input.setEncoding('utf8');
  const onData = (chunk: string) => {
    // A paste or a fast typist may bring several keys at once; an escape sequence (arrow keys) stays one.
    if (chunk.startsWith('\x1b')) onKey(chunk);
    else for (const ch of chunk) onKey(ch);
  };
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    if (input.isTTY) input.setRawMode(wasRaw ?? false);
    input.pause();
  };
}

export const CTRL_C = '\x03';
