import type { Command, Option } from 'commander';

/**
 * Reads a documented command line (`elevgw sim --modbus-rtu PATH [--baud N]`) against the
 * commander tree of `elevgw`, and says what does not match, in words a reader can act on.
 */

export interface Usage {
  /** `sim`, `diag signals`; empty when nothing after `elevgw` named a command. */
  path: string;
  command: Command;
  /** Flags as written, each with whether a placeholder value followed it. */
  flags: { flag: string; withValue: boolean }[];
  /** Placeholders that follow no flag (positional arguments). */
  positionals: string[];
  /** Lower-case words left after the command path (a sub-command that does not exist?). */
  words: string[];
}

const FLAG = /^--?[A-Za-z][\w-]*$/;
/** HOST:PORT, FILE, MM,…, N — written in capitals in every document. */
const PLACEHOLDER = /^[A-Z][A-Z0-9_:,.…/-]*$/;

export function leafCommands(program: Command, prefix = ''): { path: string; command: Command }[] {
  return program.commands.flatMap((c) => {
    const path = prefix ? `${prefix} ${c.name()}` : c.name();
    return c.commands.length > 0 ? leafCommands(c, path) : [{ path, command: c }];
  });
}

/** `text` starts with `elevgw `; shell comments and redirections are dropped. */
export function parseUsage(program: Command, text: string): Usage {
  const tokens = text
    .replace(/\s#.*$/, '')
    .replace(/[[\]()|]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(1);
  let command = program;
  const path: string[] = [];
  while (tokens.length > 0) {
    const sub = command.commands.find((c) => c.name() === tokens[0]);
    if (!sub) break;
    command = sub;
    path.push(tokens.shift()!);
  }
  const usage: Usage = { path: path.join(' '), command, flags: [], positionals: [], words: [] };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '>' || t === '…' || t === '\\') break; // output redirection, "and so on", a continued line
    if (FLAG.test(t)) {
      const withValue = i + 1 < tokens.length && !FLAG.test(tokens[i + 1]!) && tokens[i + 1] !== '…';
      usage.flags.push({ flag: t, withValue });
      if (withValue) i++;
    } else if (PLACEHOLDER.test(t)) usage.positionals.push(t);
    else if (/^[a-z][a-z-]*$/.test(t)) usage.words.push(t);
  }
  return usage;
}

function findOption(command: Command, flag: string): Option | undefined {
  return command.options.find((o) => o.long === flag || o.short === flag);
}

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

/** Problems of one mention of a command anywhere in the docs: what it names must exist. */
export function mentionProblems(u: Usage, where: string): string[] {
  const problems: string[] = [];
  const name = `elevgw ${u.path}`.trim();
  if (u.path === '' && u.words.length > 0) return [`${where}: "${u.words[0]}" is not an elevgw command (commands: ${u.command.commands.map((c) => c.name()).join(', ')})`];
  if (u.command.commands.length > 0 && u.words.length > 0) {
    problems.push(`${where}: ${name} has no sub-command "${u.words[0]}" (it has: ${u.command.commands.map((c) => c.name()).join(', ')})`);
  }
  for (const { flag, withValue } of u.flags) {
    if (flag === '--help' || flag === '-h' || (u.path === '' && (flag === '--version' || flag === '-V'))) continue;
    const o = findOption(u.command, flag);
    if (!o) problems.push(`${where}: ${name} has no option ${flag}`);
    else if (withValue !== takesValue(o)) problems.push(`${where}: ${name} ${flag} ${takesValue(o) ? `takes a value (${o.flags})` : 'takes no value'}`);
  }
  return problems;
}

/** Problems of the authoritative row for a command: it must also name every option and argument. */
export function completenessProblems(u: Usage, where: string): string[] {
  const name = `elevgw ${u.path}`;
  const problems: string[] = [];
  for (const o of u.command.options) {
    if (!u.flags.some((f) => f.flag === o.long || f.flag === o.short)) problems.push(`${where}: ${name} does not document its option ${o.flags}`);
  }
  const args = u.command.registeredArguments.map((a) => a.name());
  if (u.positionals.length !== args.length) {
    problems.push(
      `${where}: ${name} takes ${args.length} argument(s) (${args.join(', ') || 'none'}) but the row shows ${u.positionals.length} (${u.positionals.join(', ') || 'none'})`,
    );
  }
  return problems;
}
