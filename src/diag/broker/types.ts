import type { UplinkConfig } from '../../config/site.js';
import type { Timers } from '../../core/clock.js';
import type { MessageCode, Params } from './messages.js';

/** The steps of `elevgw diag broker`, in the order they run. */
export const STEPS = ['dns', 'tcp', 'tls', 'mqtt', 'echo', 'rtt'] as const;
type StepName = (typeof STEPS)[number];

/**
 * ok ✓, warn ! (works, but something needs attention), fail ✗, skip – (not run: an earlier step
 * failed, or it does not apply, e.g. TLS on mqtt://).
 */
export type StepStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One finding of a step, as a stable code plus parameters; `messages.ts` turns it into words. */
export interface Finding {
  code: MessageCode;
  params?: Params;
}

export interface StepResult {
  step: StepName;
  status: StepStatus;
  /** What was found (first) and any further notes (warnings, details). */
  findings: Finding[];
  /** How long the step took, ms (the round trip for `rtt`). */
  ms?: number;
}

/** Everything the checks need, taken from the site config. `password` is never printed. */
export interface BrokerTarget {
  /** The URL for mqtt.js, as configured (it may hold credentials: never print it, print `shownUrl`). */
  url: string;
  shownUrl: string;
  host: string;
  port: number;
  /** mqtts://, ssl:// or wss://. */
  tls: boolean;
  /** The uplink section as the service gets it: the MQTT step connects with the uplink's own options from it. */
  uplink: UplinkConfig;
  /** Trust anchors: the configured CA file, or the system store when absent. The TLS files are read for TLS URLs only, as the service does. */
  ca?: { file: string; pem: Buffer };
  clientCert?: { file: string; pem: Buffer };
  /** A plain (decrypted) private key for the client certificate. */
  clientKey?: Buffer;
  /** false when the config turns verification off: chain problems are then warnings. */
  rejectUnauthorized: boolean;
  username?: string;
  password?: string;
  /** The gateway's own client id; diag connects with a suffixed one so the running service stays connected. */
  clientId: string;
  gatewayId: string;
  topicPrefix: string;
}

/** Time limits of the steps, ms. */
export interface Limits {
  dnsMs: number;
  tcpMs: number;
  tlsMs: number;
  mqttMs: number;
  echoMs: number;
}

export const DEFAULT_LIMITS: Limits = { dnsMs: 5000, tcpMs: 5000, tlsMs: 10_000, mqttMs: 10_000, echoMs: 5000 };

/** What the steps share: timers (monotonic, for timeouts and durations) and the wall clock (for certificate expiry). */
export interface StepEnv {
  timers: Timers;
  wallNow: () => number;
  limits: Limits;
}
