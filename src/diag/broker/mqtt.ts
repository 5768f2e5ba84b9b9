import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { clientOptions } from '../../uplink/options.js';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import { refusesVersion5 } from './reason-codes.js';
import { handshakeFinding } from './tls.js';
import type { BrokerTarget, Finding, StepEnv, StepResult } from './types.js';

/** A connected diag client, for the echo step; `end()` disconnects it cleanly. */
export interface Session {
  client: MqttClient;
  /** 5 or 4 (MQTT 3.1.1), for reading the broker's reason codes. */
  version: 5 | 4;
}

type Attempt = { ok: true; client: MqttClient } | { ok: false; rc?: number; error?: string; closed?: boolean; timeoutMs?: number };

/**
 * Step 4: MQTT CONNECT with the gateway's credentials and TLS files — MQTT 5 first, MQTT 3.1.1 if
 * the broker refuses 5 — and the broker's reason code in words when it refuses. The client id is
 * the gateway's with `-diag-…` appended: connecting with the very same id would make the broker
 * drop the running service's connection (a session takeover) and publish its offline will.
 */
export async function checkMqtt(target: BrokerTarget, env: StepEnv): Promise<{ result: StepResult; session?: Session }> {
  const clientId = `${target.clientId}-diag-${randomBytes(3).toString('hex')}`;
  const started = env.timers.now();
  let version: 5 | 4 = 5;
  let a = await attempt(target, clientId, version, env);
  const fellBack = !a.ok && ((a.rc !== undefined && refusesVersion5(a.rc)) || a.closed === true);
  if (fellBack) {
    version = 4;
    a = await attempt(target, clientId, version, env);
  }
  const ms = Math.round(env.timers.now() - started);
  if (a.ok) {
    const findings: Finding[] = [{ code: 'mqtt_ok', params: { version: version === 5 ? '5' : '3.1.1', clientId } }];
    if (fellBack) findings.push({ code: 'mqtt_fallback' });
    return { result: { step: 'mqtt', status: 'ok', findings, ms }, session: { client: a.client, version } };
  }
  return { result: { step: 'mqtt', status: 'fail', findings: [refusal(a, target, version, clientId)], ms } };
}

/** Why CONNECT did not succeed, in the terms the technician can act on. */
function refusal(a: Exclude<Attempt, { ok: true }>, target: BrokerTarget, version: 5 | 4, clientId: string): Finding {
  if (a.rc !== undefined) return { code: 'mqtt_refused', params: { rc: a.rc, version, user: target.username ?? '(no user name)', clientId } };
  if (a.timeoutMs !== undefined) return { code: 'mqtt_timeout', params: { ms: a.timeoutMs } };
  if (a.closed || a.error === 'ECONNRESET' || a.error === 'EPIPE') return { code: 'mqtt_closed' };
  // A TLS alert that came after the TLS step's wait: the same words as there.
  if (a.error !== undefined && /^ERR_(SSL|TLS)_/.test(a.error)) return handshakeFinding({ code: a.error, message: a.error }, target);
  return { code: 'mqtt_failed', params: { error: a.error ?? '?' } };
}

/**
 * The uplink's own options (src/uplink/options.ts: its credentials, its TLS files for a TLS URL
 * only, its MQTT 5 properties), with this check's client id, no will (a diag client must not
 * announce the gateway offline) and the step's time limit.
 */
function options(target: BrokerTarget, clientId: string, version: 5 | 4, env: StepEnv): IClientOptions {
  return { ...clientOptions(target.uplink, { clientId, protocol: version }), clientId, connectTimeout: env.limits.mqttMs };
}

async function attempt(target: BrokerTarget, clientId: string, version: 5 | 4, env: StepEnv): Promise<Attempt> {
  const client = mqtt.connect(target.url, options(target, clientId, version, env));
  try {
    const a = await withDeadline(
      env.timers,
      env.limits.mqttMs,
      new Promise<Attempt>((resolve) => {
        client.once('connect', () => resolve({ ok: true, client }));
        // `on`, not `once`: an 'error' with no listener would throw, and mqtt.js may emit more than one.
        client.on('error', (e: Error & { code?: unknown }) =>
          resolve(typeof e.code === 'number' ? { ok: false, rc: e.code } : { ok: false, error: typeof e.code === 'string' ? e.code : e.message }),
        );
        client.once('close', () => resolve({ ok: false, closed: true }));
      }),
    );
    if (!a.ok) client.end(true);
    return a;
  } catch (e) {
    client.end(true);
    if (e instanceof DeadlineExceeded) return { ok: false, timeoutMs: e.ms };
    throw e;
  }
}

/** A clean DISCONNECT (no will is set, so nothing is announced either way). */
export function endSession(session: Session): Promise<void> {
  return new Promise((resolve) => session.client.end(false, {}, () => resolve()));
}
