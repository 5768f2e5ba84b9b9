import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { PlatformStore, TicketChange } from '../store/types.js';
import { lookbackMs, maintenanceCsv, maintenanceReport, maintenanceWindow, windowBoundSchema } from '../workflows/maintenance.js';
import type { Operators } from './auth.js';
import type { LiveSnapshots } from './live.js';
import { DUTY_DESK_HTML } from './page.js';
import { dutyDeskSnapshot } from './snapshot.js';

export interface HttpApiOptions {
  store: PlatformStore;
  operators: Operators;
  live: LiveSnapshots;
  clock: Clock;
  silenceMs: number;
  log: Logger;
  /** Extra figures for /api/metrics (the ingest worker's). */
  metrics?(): Record<string, unknown>;
}

const MAX_BODY = 4096;
const DAY_MS = 86_400_000;
/** Under a supervisor's or load balancer's usual health-check timeout. */
const HEALTH_DB_TIMEOUT_MS = 2000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);
const eventsQuery = z.object({ gateway: z.string().optional(), elevator: z.string().optional(), type: z.string().optional(), limit: limitSchema });
const maintenanceQuery = z.object({ from: windowBoundSchema.optional(), to: windowBoundSchema.optional(), format: z.enum(['json', 'csv']).default('json') });
const commandBody = z.strictObject({ note: z.string().max(500).optional() });
const deadLettersQuery = z.object({ limit: limitSchema });
const NONE: readonly string[] = [];
const paramsOf = (schema: z.ZodObject): readonly string[] => Object.keys(schema.shape);

/**
 * The duty desk over HTTP, on node:http: a handful of routes, a stream of server-sent events and
 * two commands do not need a framework, and the service keeps the dependencies a district has to
 * audit to pg, mqtt and better-sqlite3. Reads are open (bind to loopback or put a proxy with TLS
 * and its own access control in front); every command needs an operator's bearer token, checked
 * before the body is read, and is stored with that operator's name.
 */
export function createHttpApi(o: HttpApiOptions): http.Server {
  const snapshot = () => dutyDeskSnapshot(o.store, o.clock.wallNow(), o.silenceMs);
  /** Each route with the query parameters it takes: any other is refused, not silently dropped. */
  const get: [RegExp, readonly string[], (m: RegExpMatchArray, q: URLSearchParams, res: ServerResponse) => Promise<unknown>][] = [
    [/^\/api\/snapshot$/, NONE, () => snapshot()],
    [/^\/api\/gateways$/, NONE, async () => (await snapshot()).gateways],
    [/^\/api\/elevators$/, NONE, async () => (await snapshot()).elevators],
    [/^\/api\/faults$/, NONE, () => o.store.activeFaults()],
    [/^\/api\/tickets$/, NONE, () => o.store.tickets(o.clock.wallNow() - DAY_MS)],
    [/^\/api\/tickets\/([^/]+)$/, NONE, async (m) => (await o.store.ticket(segment(m[1]!))) ?? notFound('ticket')],
    [
      /^\/api\/events$/,
      paramsOf(eventsQuery),
      (_, q) => {
        const f = parse(eventsQuery, q);
        return o.store.events({ gatewayId: f.gateway, elevatorId: f.elevator, type: f.type, limit: f.limit });
      },
    ],
    [/^\/api\/blackbox\/([^/]+)\/([^/]+)$/, NONE, async (m) => (await o.store.blackbox(segment(m[1]!), segment(m[2]!))) ?? notFound('raised event')],
    [/^\/api\/dead-letters$/, paramsOf(deadLettersQuery), (_, q) => o.store.deadLetters(parse(deadLettersQuery, q).limit)],
    [/^\/api\/maintenance$/, paramsOf(maintenanceQuery), (_, q, res) => maintenance(o, parse(maintenanceQuery, q), res)],
    [/^\/api\/metrics$/, NONE, async () => ({ ...(await o.store.counts()), ...o.metrics?.() })],
  ];
  const post: [RegExp, (id: string, who: string, note: string | undefined) => Promise<TicketChange | undefined>][] = [
    [/^\/api\/tickets\/([^/]+)\/acknowledge$/, (id, who, note) => o.store.acknowledgeTicket(id, who, o.clock.wallNow(), note)],
    [/^\/api\/tickets\/([^/]+)\/close$/, (id, who, note) => o.store.closeTicket(id, who, o.clock.wallNow(), note)],
  ];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://desk');
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
      });
      res.end(DUTY_DESK_HTML);
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/stream') {
      knownParams(url.searchParams, NONE);
      return o.live.attach(res);
    }
    if (req.method === 'GET' && url.pathname === '/healthz') return health(o, res);
    if (req.method === 'GET') {
      for (const [re, params, fn] of get) {
        const m = url.pathname.match(re);
        if (!m) continue;
        knownParams(url.searchParams, params);
        const body = await fn(m, url.searchParams, res);
        if (!res.headersSent) json(res, 200, body);
        return;
      }
    }
    if (req.method === 'POST') {
      for (const [re, fn] of post) {
        const m = url.pathname.match(re);
        if (!m) continue;
        if (!o.operators.configured) throw new HttpError(403, 'COMMANDS_DISABLED', 'no operator token is configured (--token-file or ELEVGW_PLATFORM_TOKEN)');
        const who = o.operators.identify(req.headers.authorization);
        if (!who) throw new HttpError(401, 'UNAUTHORIZED', 'a valid operator bearer token is required');
        const body = parse(commandBody, await readJson(req));
        const r = await fn(segment(m[1]!), who, body.note);
        if (!r) throw new HttpError(404, 'NOT_FOUND', 'no such ticket');
        o.log.info({ ticket: r.ticket.id, who, path: url.pathname, changed: r.changed }, 'ticket command');
        if (r.changed) o.live.changed();
        return json(res, r.changed ? 200 : 409, r.changed ? r.ticket : { error: { code: 'CONFLICT', message: `the ticket is ${r.ticket.state}` }, ticket: r.ticket });
      }
    }
    throw new HttpError(404, 'NOT_FOUND', `${req.method} ${url.pathname} is not a route of the duty desk`);
  };

  return http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) o.log.error({ err: errorMessage(e), url: req.url }, 'http request failed');
      if (res.headersSent) res.end();
      else json(res, status, { error: { code: e instanceof HttpError ? e.code : 'INTERNAL', message: e instanceof HttpError ? e.message : 'internal error' } });
    });
  });
}

export async function listen(server: http.Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound };
}

/**
 * 200 only while the database answers: a worker without its database answers every API route with
 * 500 and stores nothing, and a supervisor or load balancer must see that here, not `ok`.
 */
async function health(o: HttpApiOptions, res: ServerResponse): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_DB_TIMEOUT_MS} ms`)), HEALTH_DB_TIMEOUT_MS);
  });
  try {
    await Promise.race([o.store.ping(), timeout]);
    json(res, 200, { ok: true });
  } catch (e) {
    json(res, 503, { ok: false, error: { code: 'DATABASE_UNREACHABLE', message: `the database is unreachable: ${errorMessage(e)}` } });
  } finally {
    clearTimeout(timer);
  }
}

async function maintenance(o: HttpApiOptions, q: z.infer<typeof maintenanceQuery>, res: ServerResponse): Promise<unknown> {
  const window = maintenanceWindow({ fromMs: q.from, toMs: q.to }, o.clock.wallNow(), { from: 'from', to: 'to' });
  if ('refused' in window) throw new HttpError(400, 'INVALID', window.refused);
  const { fromMs, toMs } = window;
  const report = maintenanceReport(await o.store.maintenanceEvents(fromMs - lookbackMs(), toMs), await o.store.elevators(), { fromMs, toMs });
  if (q.format === 'json') return report;
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="maintenance.csv"' });
  res.end(maintenanceCsv(report));
  return undefined;
}

function parse<S extends z.ZodType>(schema: S, input: URLSearchParams | unknown): z.infer<S> {
  const r = schema.safeParse(input instanceof URLSearchParams ? Object.fromEntries(input) : input);
  if (!r.success) throw new HttpError(400, 'INVALID', r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return r.data;
}

/**
 * A misspelt parameter (`gatway`, `limt`) dropped without a word would answer with every gateway's
 * events or the default window, and the reader would take it for what was asked: refused instead.
 */
function knownParams(q: URLSearchParams, known: readonly string[]): void {
  const unknown = [...new Set(q.keys())].filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const takes = known.length === 0 ? 'this route takes no query parameters' : `this route takes ${known.join(', ')}`;
  throw new HttpError(400, 'INVALID', `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}: ${takes}`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, 'TOO_LARGE', `a command body is at most ${MAX_BODY} bytes`);
    chunks.push(c);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'INVALID', 'the body is not JSON');
  }
}

/** A path segment, decoded: a broken percent-escape is the request's fault (400), not the server's. */
function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'INVALID', `a path segment with a broken percent-escape: ${raw.slice(0, 64)}`);
  }
}

function notFound(what: string): never {
  throw new HttpError(404, 'NOT_FOUND', `no such ${what}`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
