/**
 * What `elevgw init` says, in Chinese and English. Installers at the pilot sites read Chinese;
 * the platform team and the docs read English; over an SSH terminal with an unknown locale both
 * are shown, one after the other, so nobody has to guess which `LANG` the gateway has.
 */
export type Lang = 'zh' | 'en' | 'both';

/** One message in both languages. */
export interface Text {
  zh: string;
  en: string;
}

export function say(t: Text, lang: Lang): string {
  if (lang === 'both') return t.zh === t.en ? t.en : `${t.zh} / ${t.en}`;
  return t[lang];
}

/** `--lang` wins; otherwise `LANG`/`LC_ALL`: zh_* → zh, a set English locale → en, anything else (C, POSIX, unset) → both. */
export function langFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (flag === 'zh' || flag === 'en' || flag === 'both') return flag;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  if (/^zh/i.test(locale)) return 'zh';
  if (/^en/i.test(locale)) return 'en';
  return 'both';
}
