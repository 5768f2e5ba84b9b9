import { hostname } from 'node:os';
import type { Command } from 'commander';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { ElevgwError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { DEFAULT_TOPIC_PREFIX } from '../contract/topics.js';
import { DEFAULT_ESCALATE_AFTER_MIN, rescuePolicy } from '../platform/workflows/rescue.js';
import { DEFAULT_SILENCE_S } from '../platform/workflows/liveness.js';
import { windowBoundSchema } from '../platform/workflows/maintenance.js';
import { hostPortSchema, logLevelSchema, parseArg } from './args.js';
import { onShutdown } from './shutdown.js';

const DEFAULT_DB = 'elevgw-platform.db';

interface ServeOptions {
  db: string;
  broker: string;
  prefix: string;
  group: string;
  workerId: string;
  sessions: string;
  sessionExpiry: string;
  listen: string | false;
  tokenFile?: string;
  escalateAfter: string;
  silence: string;
  username?: string;
  ca?: string;
  logLevel: string;
}

const minutesList = z
  .string()
  .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'expected minutes, comma-separated, e.g. 5,15')
  .transform((s) => s.split(',').map(Number))
  .refine((l) => l.every((m) => m > 0), 'every delay must be > 0');
const positiveInt = (max: number) => z.coerce.number().int().positive().max(max);

/**
 * `elevgw platform`: the reference ingest service (the default sub-command, `serve`) and the
 * maintenance evidence report. The database is a SQLite file unless a postgres:// URL is given.
 */
export function registerPlatform(program: Command): void {
  const platform = program.command('platform').description('the district platform: ingest workers, rescue tickets, duty desk, maintenance evidence');
  platform
    .command('serve', { isDefault: true })
    .description('ingest worker (MQTT 5 shared subscription → SQLite or PostgreSQL), rescue workflow and duty-desk page')
    .option('--db <target>', 'SQLite file, or a postgres:// URL (password also from PGPASSWORD)', DEFAULT_DB)
    .option('--broker <url>', 'MQTT 5 broker, mqtt:// or mqtts:// (password from ELEVGW_PLATFORM_MQTT_PASSWORD)', 'mqtt://127.0.0.1:1883')
    .option('--prefix <prefix>', 'topic prefix the gateways publish under', DEFAULT_TOPIC_PREFIX)
    .option('--group <name>', 'shared-subscription group: workers in one group split the stream', 'elevgw-platform')
    .option('--worker-id <id>', 'stable per worker: a restarted worker takes back its sessions', hostname())
    .option('--sessions <n>', 'MQTT sessions of this worker (each has one message in a commit at a time)', '64')
    .option('--session-expiry <s>', 'how long the broker keeps a stopped worker\u2019s sessions and messages', '86400')
    .option('--listen <host:port>', 'duty desk and HTTP API', '127.0.0.1:8780')
    .option('--no-listen', 'no duty desk (an extra ingest worker)')
    .option('--token-file <file>', 'operators allowed to change tickets: name=token lines (also ELEVGW_PLATFORM_TOKEN)')
    .option('--escalate-after <min,…>', 'escalate a rescue ticket not acknowledged after these minutes', DEFAULT_ESCALATE_AFTER_MIN.join(','))
    .option('--silence <s>', 'a gateway online but unheard this long is shown silent', String(DEFAULT_SILENCE_S))
    .option('--username <user>', 'MQTT user name')
    .option('--ca <file>', 'CA certificate (PEM) of an mqtts:// broker')
    .option('--log-level <level>', 'pino level', process.env.ELEVGW_LOG_LEVEL ?? 'info')
    .action(async (opts: ServeOptions) => {
      const [{ Operators }, { PlatformService }, { openStore }] = await Promise.all([
        import('../platform/http/auth.js'),
        import('../platform/service.js'),
        import('../platform/store/open.js'),
      ]);
      const log = createLogger({ level: parseArg(logLevelSchema, opts.logLevel, '--log-level') });
      const listen = opts.listen === false ? null : parseArg(hostPortSchema, opts.listen, '--listen');
      const operators = Operators.load({ tokenFile: opts.tokenFile, envToken: process.env.ELEVGW_PLATFORM_TOKEN });
      const store = await openStore(opts.db, systemClock.wallNow());
      const service = await PlatformService.start({
        store,
        broker: {
          url: opts.broker,
          ...(opts.username === undefined ? {} : { username: opts.username }),
          ...(process.env.ELEVGW_PLATFORM_MQTT_PASSWORD === undefined ? {} : { password: process.env.ELEVGW_PLATFORM_MQTT_PASSWORD }),
          ...(opts.ca === undefined ? {} : { caFile: opts.ca }),
        },
        topicPrefix: opts.prefix,
        group: parseArg(z.string().regex(/^[^/+#]+$/, 'no / + or #'), opts.group, '--group'),
        workerId: parseArg(z.string().regex(/^[^/+#]+$/, 'no / + or #'), opts.workerId, '--worker-id'),
        sessions: parseArg(positiveInt(256), opts.sessions, '--sessions'),
        sessionExpiryS: parseArg(positiveInt(2 ** 32 - 1), opts.sessionExpiry, '--session-expiry'),
        policy: rescuePolicy(parseArg(minutesList, opts.escalateAfter, '--escalate-after')),
        silenceMs: parseArg(positiveInt(86_400), opts.silence, '--silence') * 1000,
        http: listen,
        operators,
        clock: systemClock,
        log,
      });
      onShutdown(async () => {
        await service.stop();
        await store.close();
      });
      if (service.httpUrl) console.log(`elevgw platform: duty desk on ${service.httpUrl}`);
    });
  platform
    .command('maintenance')
    .description('maintenance evidence per elevator: sessions, durations, intervals against the 15-day rule, lifts overdue')
    .option('--db <target>', 'SQLite file, or a postgres:// URL', DEFAULT_DB)
    .option('--from <date>', 'start of the window (ISO date, 00:00 UTC, or time with Z or an offset such as +08:00; default 90 days before --to)')
    .option('--to <date>', 'end of the window (ISO date or time, as --from; default now)')
    .option('--csv', 'one CSV line per elevator instead of JSON')
    .action(async (opts: { db: string; from?: string; to?: string; csv?: boolean }) => {
      const [{ openStore }, { lookbackMs, maintenanceCsv, maintenanceReport, maintenanceWindow }] = await Promise.all([
        import('../platform/store/open.js'),
        import('../platform/workflows/maintenance.js'),
      ]);
      const window = maintenanceWindow(
        {
          fromMs: opts.from === undefined ? undefined : parseArg(windowBoundSchema, opts.from, '--from'),
          toMs: opts.to === undefined ? undefined : parseArg(windowBoundSchema, opts.to, '--to'),
        },
        systemClock.wallNow(),
        { from: '--from', to: '--to' },
      );
      if ('refused' in window) throw new ElevgwError('CONFIG_INVALID', window.refused);
      const { fromMs, toMs } = window;
      const store = await openStore(opts.db, systemClock.wallNow(), { existing: true });
      try {
        const report = maintenanceReport(await store.maintenanceEvents(fromMs - lookbackMs(), toMs), await store.elevators(), { fromMs, toMs });
        process.stdout.write(opts.csv ? maintenanceCsv(report) : `${JSON.stringify(report, null, 2)}\n`);
      } finally {
        await store.close();
      }
    });
}
