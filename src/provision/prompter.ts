import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { ElevgwError } from '../core/errors.js';

/** A line-by-line conversation with the installer; the interview only talks through this. */
export interface Prompter {
  /** Shows `prompt` and resolves with the line typed; `secret` keeps it off the screen. */
  question(prompt: string, opts?: { secret?: boolean }): Promise<string>;
  print(line: string): void;
  close(): void;
}

/**
 * A terminal's echo goes through this: muted while a password is typed, so the password is
 * neither on the screen nor in a terminal's scroll-back or a tmux log.
 */
class Muteable extends Writable {
  muted = false;
  constructor(private readonly target: NodeJS.WritableStream & { columns?: number }) {
    super();
  }
  /** readline lays out long lines by the terminal's width. */
  get columns(): number | undefined {
    return this.target.columns;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk);
    done();
  }
}

/**
 * node:readline/promises over stdin/stdout: line editing (backspace, arrows) as any shell has
 * it, works over a plain SSH session and in tmux, no dependency. Ctrl-C or the end of input
 * abandons the interview with nothing written.
 */
export function terminalPrompter(
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  output: NodeJS.WritableStream & { columns?: number } = process.stdout,
): Prompter {
  const echo = new Muteable(output);
  const rl = createInterface({ input, output: echo, terminal: input.isTTY === true });
  const abort = new AbortController();
  let closing = false;
  rl.on('SIGINT', () => abort.abort());
  rl.on('close', () => {
    if (!closing) abort.abort();
  });
  return {
    async question(prompt, opts = {}) {
      if (abort.signal.aborted) throw aborted();
      try {
        if (!opts.secret) return await rl.question(prompt, { signal: abort.signal });
        output.write(prompt);
        echo.muted = true;
        try {
          return await rl.question('', { signal: abort.signal });
        } finally {
          echo.muted = false;
          output.write('\n');
        }
      } catch (e) {
        if (abort.signal.aborted) throw aborted();
        throw e;
      }
    },
    print(line) {
      output.write(`${line}\n`);
    },
    close() {
      closing = true;
      rl.close();
    },
  };
}

function aborted(): ElevgwError {
  return new ElevgwError('INIT_REFUSED', 'init abandoned: nothing was written');
}
