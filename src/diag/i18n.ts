import { z } from 'zod';
import { ElevgwError } from '../core/errors.js';

/**
 * The language of the human-readable lines of the technician's commands (`diag …`, `health`,
 * `commission`): Chinese for the pilot's technicians, English for everyone else. JSON output is
 * never translated. A command adds LANG_OPTION, calls `resolveLang(opts.lang)`, and keeps its own
 * lines in a catalogue made with `defineMessages`, so every line exists in both languages — a
 * message missing one of them does not compile.
 */
export type Lang = 'zh' | 'en';

/** The `--lang` option, the same on every command that prints for people. */
export const LANG_OPTION = {
  flags: '--lang <zh|en>',
  description: 'language of the human-readable lines (default: zh when $LANG starts with "zh", else en)',
} as const;

const langSchema = z.enum(['zh', 'en'], { error: 'expected zh or en' });

/** `--lang` when given (zh|en, anything else is a usage error), else from $LANG: zh when it starts with "zh". */
export function resolveLang(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag !== undefined) {
    const r = langSchema.safeParse(flag.toLowerCase());
    if (!r.success) throw new ElevgwError('CONFIG_INVALID', `--lang: expected zh or en, got "${flag}"`);
    return r.data;
  }
  return (env.LANG ?? '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** One line in both languages, with the same parameters. */
export interface Message<P> {
  en: (p: P) => string;
  zh: (p: P) => string;
}

/** Helper so a catalogue entry's parameter type is written once: `msg<{ path: string }>(p => …, p => …)`. */
export function msg<P = undefined>(en: (p: P) => string, zh: (p: P) => string): Message<P> {
  return { en, zh };
}

/** A message without parameters (`msg(() => …)` infers unknown) is called with none. */
type Text<P> = unknown extends P ? () => string : [P] extends [undefined] ? () => string : (p: P) => string;
type Texts<C> = { [K in keyof C]: C[K] extends Message<infer P> ? Text<P> : never };

/** A catalogue, read in one language: `const t = scanTexts(lang); t.found({ … })`. */
export function defineMessages<C extends Record<string, Message<never>>>(catalogue: C): (lang: Lang) => Texts<C> {
  return (lang) => Object.fromEntries(Object.entries(catalogue).map(([k, m]) => [k, m[lang]])) as Texts<C>;
}

/** "3 min 20 s" / "3 分 20 秒": durations a person reads (rounded up to the second). */
export function formatDuration(ms: number, lang: Lang): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (lang === 'zh') return m > 0 ? `${m} 分${s > 0 ? ` ${s} 秒` : ''}` : `${s} 秒`;
  return m > 0 ? `${m} min${s > 0 ? ` ${s} s` : ''}` : `${s} s`;
}
