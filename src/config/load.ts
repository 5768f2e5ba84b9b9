import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, resolve, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, LineCounter, isMap, isNode, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { ElevgwError, isElevgwError } from '../core/errors.js';
import { type Connection, siteConfigSchemaConnectionByBoard, type SiteConfig } from './site.js';
import { boardSchema, type BoardProfile, type BoardTransport } from './board.js';
import { type BusPlace, busConflict, busConflictMessage, rtuTransport } from './buses.js';
import { checkConnection } from './connection.js';
import { mergeThresholds, type Thresholds } from './thresholds.js';
import { migrateConfig } from './migrate.js';
import { valueFindings } from './strict.js';
import { fileFindings } from './strict-files.js';

/** The package root (holds package.json and boards/), found from this module whether run from src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'boards'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new ElevgwError('CONFIG_NOT_FOUND', `elevgw's package root (its package.json) was not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Where the built-in board profiles live (repo/boards, also in the Docker image). */
export const BUILTIN_BOARDS_DIR = join(packageRoot(), 'boards');

export interface ConfigProblem {
  file: string;
  /** Dotted path inside the file, e.g. elevators[0].registrationCode */
  path: string;
  line?: number;
  column?: number;
  message: string;
  /** How to fix it (the strict checks say so). */
  fix?: string;
}

/** Renders problems one per line: `file:line:col path: message`. */
function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((p) => `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''} ${p.path || '(root)'}: ${p.message}${p.fix ? ` — fix: ${p.fix}` : ''}`).join('\n');
}

function pathToString(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

interface Parsed {
  data: unknown;
  /** Where a path is in the file; with `key`, that key of the mapping at the path (an unknown key: where it is written). */
  locate(path: readonly PropertyKey[], key?: string): { line: number; column: number } | undefined;
}

function parseYamlFile(file: string, text: string): Parsed {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, path: '', line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
    });
    throw new ElevgwError('CONFIG_INVALID', formatProblems(problems), { problems });
  }
  return {
    data: doc.toJS(),
    locate(path, key) {
      if (key !== undefined) {
        const map = doc.getIn(path as unknown[], true);
        const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
        if (pair && isNode(pair.key) && pair.key.range) {
          const pos = lineCounter.linePos(pair.key.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      // Walk up until a node with a position exists (a missing key points at its parent).
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n) as unknown[], true);
        if (isNode(node) && node.range) {
          const pos = lineCounter.linePos(node.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
      return undefined;
    },
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    return received === undefined
      ? `required: expected ${issue.expected}`
      : `expected ${issue.expected}, got ${Array.isArray(received) ? 'array' : received === null ? 'null' : typeof received}`;
  }
  // A missing key whose schema is a literal or an enum (the config's `version`): required, like the others.
  if (issue.code === 'invalid_value' && (issue as { input?: unknown }).input === undefined) {
    return `required: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/** `data` checked with `schema`: the value, or every problem with its file position. */
function check<S extends z.ZodType>(schema: S, parsed: Parsed, file: string): { ok: true; data: z.infer<S> } | { ok: false; problems: ConfigProblem[] } {
  const r = schema.safeParse(parsed.data, { reportInput: true });
  if (r.success) return { ok: true, data: r.data };
  const problems: ConfigProblem[] = r.error.issues.map((issue) => ({
    file,
    path: pathToString(issue.path),
    ...parsed.locate(issue.path, issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined),
    message: describeIssue(issue),
  }));
  return { ok: false, problems };
}

/** Validates `data` with `schema`, throwing every problem with its file position. */
function validate<S extends z.ZodType>(schema: S, parsed: Parsed, file: string): z.infer<S> {
  const r = check(schema, parsed, file);
  if (r.ok) return r.data;
  throw new ElevgwError('CONFIG_INVALID', formatProblems(r.problems), { problems: r.problems });
}

/** Every problem of a refused file, when `e` is such a refusal (a YAML or schema problem, with its line). */
function problemsOf(e: unknown): ConfigProblem[] | undefined {
  return isElevgwError(e, 'CONFIG_INVALID') ? (e.context.problems as ConfigProblem[]) : undefined;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new ElevgwError('CONFIG_NOT_FOUND', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** A board profile; given transports, also checks it uses one of them (and narrows its type). */
export function loadBoardFile(file: string): BoardProfile;
export function loadBoardFile<T extends BoardTransport>(file: string, ...transports: T[]): Extract<BoardProfile, { transport: T }>;
export function loadBoardFile(file: string, ...transports: BoardTransport[]): BoardProfile {
  const parsed = parseYamlFile(file, readText(file));
  const profile = validate(boardSchema(), parsed, file);
  if (transports.length > 0 && !transports.includes(profile.transport)) {
    throw new ElevgwError('BOARD_INVALID', `${file} transport: expected ${transports.join(' or ')}, got ${profile.transport}`);
  }
  return profile;
}

/**
 * The profile files in the given directories by id (the file name), not parsed; a later directory
 * overrides an earlier one.
 */
function listBoards(dirs: readonly string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (/\.ya?ml$/.test(name)) files.set(basename(name).replace(/\.ya?ml$/, ''), join(dir, name));
    }
  }
  return files;
}

/**
 * A profile found as `id` (its file name): its schema problems and an `id` that is not the file
 * name are refused together, each with its line, as CONFIG_INVALID.
 */
function loadListedBoard(id: string, file: string): { profile: BoardProfile; file: string } {
  const parsed = parseYamlFile(file, readText(file));
  const checked = check(boardSchema(), parsed, file);
  const written = (parsed.data as { id?: unknown } | null)?.id;
  const problems = checked.ok ? [] : [...checked.problems];
  if (typeof written === 'string' && written !== id && !problems.some((p) => p.path === 'id')) {
    problems.push({ file, path: 'id', ...parsed.locate(['id']), message: `expected "${id}" (the file name), got "${written}"` });
  }
  if (!checked.ok || problems.length > 0) throw new ElevgwError('CONFIG_INVALID', formatProblems(problems), { problems });
  return { profile: checked.data, file };
}

/**
 * All profiles in the given directories; later directories override earlier ones by id. A broken
 * profile does not hide the next one: the problems of every profile are thrown together.
 */
export function loadBoards(dirs: readonly string[]): Map<string, { profile: BoardProfile; file: string }> {
  const boards = new Map<string, { profile: BoardProfile; file: string }>();
  const problems: ConfigProblem[] = [];
  for (const [id, file] of listBoards(dirs)) {
    try {
      boards.set(id, loadListedBoard(id, file));
    } catch (e) {
      const found = problemsOf(e);
      if (found === undefined) throw e;
      problems.push(...found);
    }
  }
  if (problems.length > 0) throw new ElevgwError('CONFIG_INVALID', formatProblems(problems), { problems });
  return boards;
}

export interface LoadedElevator {
  config: SiteConfig['elevators'][number];
  board: BoardProfile;
  thresholds: Thresholds;
}

export interface LoadedConfig {
  file: string;
  site: SiteConfig;
  elevators: LoadedElevator[];
  /** Resolved absolute path of the outbox database. */
  outboxPath: string;
  /** Resolved absolute path of the diagnostics socket (runtime.diagSocket, or next to the outbox). */
  diagSocketPath: string;
}

/** Where an elevator is read from, for the shared-bus check. */
function busPlace(id: string, transport: BoardTransport, c: Connection | undefined): BusPlace {
  if (c !== undefined && 'path' in c) {
    return {
      id,
      kind: 'serial',
      rtu: rtuTransport(transport),
      path: c.path,
      baudRate: c.baudRate,
      parity: 'parity' in c ? c.parity : 'none',
      unitId: 'unitId' in c ? c.unitId : 1,
    };
  }
  if (c !== undefined && 'host' in c) return { id, kind: 'tcp', host: c.host, port: c.port, unitId: c.unitId };
  return { id, kind: 'none' };
}

/** Elevator `i`'s connection as written: the site schema has passed, so `elevators` is a list of mappings. */
function rawConnection(data: unknown, i: number): unknown {
  return (data as { elevators: { connection?: unknown }[] }).elevators[i]?.connection;
}

/**
 * The uplink's files (TLS material, the credentials file) resolved against the config file's
 * directory, as outbox.path and boardsDir are: a config means the same files whatever directory
 * the gateway is started from.
 */
function resolveUplinkFiles(site: SiteConfig, dir: string): SiteConfig {
  const u = site.uplink;
  const at = (p: string | undefined) => (p === undefined ? undefined : resolve(dir, p));
  const tls = u.tls && { ...u.tls, ca: at(u.tls.ca), cert: at(u.tls.cert), key: at(u.tls.key) };
  return { ...site, uplink: { ...u, credentialsFile: resolve(dir, u.credentialsFile), ...(tls && { tls }) } };
}

/**
 * Loads, migrates and validates a site config and the boards it names. Throws ElevgwError listing
 * every problem. `strict` adds the checks of a config fit to run a real gateway (src/config/strict.ts).
 * `text`: a proposed content of `file`, checked as if the file held it (paths resolve, and problems
 * are named, against `file`); the file itself is not read.
 */
export function loadConfig(file: string, opts: { boardsDirs?: string[]; strict?: boolean; text?: string } = {}): LoadedConfig {
  const abs = resolve(file);
  const parsed = parseYamlFile(file, opts.text ?? readText(abs));
  const migrated = migrateConfig(parsed.data, file);
  const asWritten = resolveUplinkFiles(validate(siteConfigSchemaConnectionByBoard(), { data: migrated, locate: parsed.locate }, file), dirname(abs));
  const siteBoardsDir = asWritten.boardsDir ? resolve(dirname(abs), asWritten.boardsDir) : undefined;
  const dirs = opts.boardsDirs ?? [BUILTIN_BOARDS_DIR, ...(siteBoardsDir ? [siteBoardsDir] : [])];
  // Only the profiles the site names are parsed and validated: parsing every shipped one left
  // about 2 MiB of garbage at start, 1 MiB of elevgw run's peak RSS (issue 15).
  const files = listBoards(dirs);
  const boards = new Map<string, { profile: BoardProfile; file: string }>();
  /** Profiles refused already: their problems are reported once, however many elevators use them. */
  const refused = new Set<string>();
  const problems: ConfigProblem[] = [];
  const elevators: LoadedElevator[] = [];
  const placed: BusPlace[] = [];
  asWritten.elevators.forEach((e, i) => {
    const listed = files.get(e.board);
    if (listed === undefined) {
      problems.push({
        file,
        path: `elevators[${i}].board`,
        ...parsed.locate(['elevators', i, 'board']),
        message: `unknown board "${e.board}" (expected one of: ${[...files.keys()].join(', ') || 'none found'})`,
      });
      return;
    }
    if (refused.has(e.board)) return;
    let entry = boards.get(e.board);
    try {
      entry ??= loadListedBoard(e.board, listed);
    } catch (err) {
      // A broken profile is one more problem of the site: the other elevators are still checked.
      const found = problemsOf(err);
      if (found === undefined) throw err;
      refused.add(e.board);
      problems.push(...found);
      return;
    }
    boards.set(e.board, entry);
    // The connection as written (before the site schema's defaults), checked against the board's transport.
    const checked = checkConnection(entry.profile.transport, rawConnection(migrated, i));
    if (!checked.ok) {
      problems.push({
        file,
        path: `elevators[${i}].connection`,
        ...parsed.locate(['elevators', i, 'connection']),
        message: `board "${e.board}" ${checked.message}`,
      });
      return;
    }
    // A learned shaft belongs to a retrofit box; on a controller's board it would be ignored, silently.
    if (e.shaft !== undefined && entry.profile.transport !== 'retrofit-firmata' && entry.profile.transport !== 'retrofit-i2c') {
      problems.push({
        file,
        path: `elevators[${i}].shaft`,
        ...parsed.locate(['elevators', i, 'shaft']),
        message: `board "${e.board}" uses ${entry.profile.transport} and reads position from its controller: only a retrofit board (retrofit-firmata, retrofit-i2c) uses a learned shaft; remove it, or check the board`,
      });
      return;
    }
    const here = busPlace(e.id, entry.profile.transport, checked.connection);
    // One unit id of one Modbus TCP interface read for two elevators is left to `elevgw init` to
    // refuse: a group controller may serve two lifts at one unit id in two register blocks, one
    // profile each, and either way both are read. A serial bus that cannot work is refused here.
    const conflict = busConflict(
      here,
      placed.filter((p) => p.kind === 'serial'),
    );
    placed.push(here);
    if (conflict) {
      problems.push({ file, path: `elevators[${i}].connection`, ...parsed.locate(['elevators', i, 'connection']), message: busConflictMessage(conflict) });
      return;
    }
    elevators.push({ config: { ...e, connection: checked.connection }, board: entry.profile, thresholds: mergeThresholds(asWritten.rules, e.rules) });
  });
  if (problems.length > 0) throw new ElevgwError('CONFIG_INVALID', formatProblems(problems), { problems });
  // Every connection now as its board's transport has it, defaults filled in.
  const site: SiteConfig = { ...asWritten, elevators: elevators.map((e) => e.config) };
  const outboxPath = resolve(dirname(abs), site.outbox.path);
  const diagSocketPath = site.runtime.diagSocket === undefined ? join(dirname(outboxPath), 'diag.sock') : resolve(dirname(abs), site.runtime.diagSocket);
  if (opts.strict) {
    const boardsOf = { shipped: loadBoards([BUILTIN_BOARDS_DIR]), site: siteBoardsDir ? loadBoards([siteBoardsDir]) : new Map() };
    const input = { site, raw: migrated, outboxPath, packageDir: packageRoot(), boards: boardsOf };
    const findings = [...valueFindings(input), ...fileFindings(input)];
    const strict = findings
      .map((f) => ({ file, path: pathToString(f.path), ...parsed.locate(f.path), message: f.message, fix: f.fix }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (strict.length > 0) throw new ElevgwError('CONFIG_INVALID', formatProblems(strict), { problems: strict });
  }
  return { file: abs, site, elevators, outboxPath, diagSocketPath };
}
