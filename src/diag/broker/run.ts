import { checkDns } from './dns.js';
import { checkEcho } from './echo.js';
import { checkMqtt, endSession } from './mqtt.js';
import { checkTcp } from './tcp.js';
import { checkTls } from './tls.js';
import { STEPS, type BrokerTarget, type StepEnv, type StepResult } from './types.js';

/**
 * What the whole check comes to: `ok` (maybe with warnings), `failed` (the broker answers but a
 * check failed: TLS, credentials …) or `unreachable` (DNS or TCP: nothing to talk to).
 */
export type Verdict = 'ok' | 'failed' | 'unreachable';

/**
 * Runs the steps in order, DNS → TCP → TLS → MQTT → echo → round trip. After a failure the later
 * steps are not run and are reported as skipped, so the first ✗ is the thing to fix.
 */
export async function diagnoseBroker(target: BrokerTarget, env: StepEnv): Promise<StepResult[]> {
  const done: StepResult[] = [];
  const complete = () => [...done, ...STEPS.slice(done.length).map((step): StepResult => ({ step, status: 'skip', findings: [{ code: 'skipped' }] }))];
  const failed = () => done.at(-1)?.status === 'fail';

  const dns = await checkDns(target, env);
  done.push(dns.result);
  if (failed() || dns.address === undefined) return complete();
  done.push(await checkTcp(target, env));
  if (failed()) return complete();
  done.push(await checkTls(target, dns.address, env));
  if (failed()) return complete();
  const mqtt = await checkMqtt(target, env);
  done.push(mqtt.result);
  if (failed() || !mqtt.session) return complete();
  try {
    const { echo, rtt } = await checkEcho(target, mqtt.session, env);
    done.push(echo, rtt);
  } finally {
    await endSession(mqtt.session);
  }
  return complete();
}

export function verdict(steps: readonly StepResult[]): Verdict {
  if (steps.some((s) => (s.step === 'dns' || s.step === 'tcp') && s.status === 'fail')) return 'unreachable';
  return steps.some((s) => s.status === 'fail') ? 'failed' : 'ok';
}
