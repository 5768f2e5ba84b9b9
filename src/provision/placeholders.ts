/**
 * Values copied from an example and never replaced. A gateway left with `gw-01-change-me` or
 * `demo` would share its MQTT topics (and, before the client id carried the machine, its
 * session) with every other gateway installed from the same example: the platform would see
 * one lift where there are forty.
 */
const PLACEHOLDER_WORDS = new Set(['example', 'examples', 'demo', 'sample', 'placeholder', 'dummy', 'todo', 'tbd', 'xxx', 'changeme', 'replaceme', 'your']);

/** The placeholder word found in `value`, if any (words are split at anything but letters and digits). */
export function placeholderWord(value: string): string | undefined {
  const lower = value.toLowerCase();
  for (const phrase of ['change-me', 'change_me', 'replace-me', 'replace_me']) if (lower.includes(phrase)) return phrase;
  return lower.split(/[^a-z0-9]+/).find((w) => PLACEHOLDER_WORDS.has(w));
}

/** Hosts that can never be a real broker: RFC 2606/6761 reserved names. */
export function isPlaceholderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return /(^|\.)(invalid|example|test)$/.test(h) || /(^|\.)example\.(com|net|org)$/.test(h);
}
