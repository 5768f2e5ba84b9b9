import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LogOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream or use level 'silent'. */
  destination?: DestinationStream;
}

/** Structured logs, one JSON line per event, secrets redacted by path. */
export function createLogger(opts: LogOptions = {}): Logger {
  const options = {
    level: opts.level ?? process.env.ELEVGW_LOG_LEVEL ?? 'info',
    base: { app: 'elevgw' },
    redact: {
      paths: ['password', '*.password', '*.*.password', 'uplink.password', 'key', '*.key'],
      censor: '[redacted]',
    },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

export const silentLogger: Logger = pino({ level: 'silent' });
