import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ElevgwError } from '../../core/errors.js';

/** Shorter tokens are refused at start: a guessable token on a rescue desk is worse than none. */
const MIN_TOKEN_LENGTH = 16;

/** Who may change tickets: each operator's name and bearer token. */
export class Operators {
  private readonly tokens: { name: string; hash: Buffer }[];

  constructor(entries: readonly { name: string; token: string }[]) {
    for (const e of entries) {
      if (e.token.length < MIN_TOKEN_LENGTH) throw new ElevgwError('CONFIG_INVALID', `the token of operator "${e.name}" is shorter than ${MIN_TOKEN_LENGTH} characters`);
      if (!/^[\w.@-]{1,64}$/.test(e.name)) throw new ElevgwError('CONFIG_INVALID', `operator name "${e.name}": 1–64 letters, digits, . @ _ -`);
    }
    this.tokens = entries.map((e) => ({ name: e.name, hash: digest(e.token) }));
  }

  /** `name=token` lines (# comments) from a file, and ELEVGW_PLATFORM_TOKEN as the operator `operator`. */
  static load(opts: { tokenFile?: string; envToken?: string }): Operators {
    const entries: { name: string; token: string }[] = [];
    if (opts.tokenFile) {
      for (const [i, line] of readFileSync(opts.tokenFile, 'utf8').split(/\r?\n/).entries()) {
        const t = line.trim();
        if (t === '' || t.startsWith('#')) continue;
        const eq = t.indexOf('=');
        if (eq <= 0) throw new ElevgwError('CONFIG_INVALID', `${opts.tokenFile}:${i + 1}: expected name=token`);
        entries.push({ name: t.slice(0, eq).trim(), token: t.slice(eq + 1).trim() });
      }
    }
    if (opts.envToken) entries.push({ name: 'operator', token: opts.envToken });
    return new Operators(entries);
  }

  get configured(): boolean {
    return this.tokens.length > 0;
  }

  /** The operator an `Authorization: Bearer …` header names, or undefined. Compares digests in constant time. */
  identify(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return undefined;
    const presented = digest(m[1]!);
    let who: string | undefined;
    for (const t of this.tokens) if (timingSafeEqual(presented, t.hash)) who ??= t.name;
    return who;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
