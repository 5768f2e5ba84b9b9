import { randomBytes } from 'node:crypto';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import type { Session } from './mqtt.js';
import type { BrokerTarget, StepEnv, StepResult } from './types.js';

type Outcome = { got: number } | { refused: 'subscribe' | 'publish'; rc: number } | { error: string };

/**
 * Step 5: a QoS 1 message to the gateway's own test topic comes back through the broker, and the
 * time it took (step 6). A broker whose ACL refuses the test topic gives a warning, not a failure:
 * the gateway itself only publishes its own topics and reads its commands, which this does not prove
 * or disprove. MQTT 5 says so with a reason code; MQTT 3.1.1 brokers drop the message silently, so
 * there the only sign is that nothing comes back.
 */
export async function checkEcho(target: BrokerTarget, session: Session, env: StepEnv): Promise<{ echo: StepResult; rtt: StepResult }> {
  const nonce = randomBytes(6).toString('hex');
  // The gateway's own subtree, as src/contract/topics.ts builds it (a trailing / on the prefix dropped).
  const base = `${target.topicPrefix.replace(/\/+$/, '')}/${target.gatewayId}`;
  const topic = `${base}/diag/echo/${nonce}`;
  const params = { topic, allow: `${base}/diag/#`, version: session.version };
  const { client } = session;
  let sentAt = 0;
  let onMessage: ((t: string, payload: Buffer) => void) | undefined;
  const work = new Promise<Outcome>((resolve) => {
    onMessage = (t, payload) => {
      if (t === topic && payload.toString() === nonce) resolve({ got: env.timers.now() });
    };
    client.on('message', onMessage);
    client.once('close', () => resolve({ error: 'connection closed' }));
    client.subscribe(topic, { qos: 1 }, (err) => {
      if (err) {
        const rc = (err as Error & { code?: unknown }).code;
        resolve(typeof rc === 'number' ? { refused: 'subscribe', rc } : { error: err.message });
        return;
      }
      sentAt = env.timers.now();
      client.publish(topic, nonce, { qos: 1 }, (perr) => {
        if (!perr) return;
        const prc = (perr as Error & { code?: unknown }).code;
        resolve(typeof prc === 'number' ? { refused: 'publish', rc: prc } : { error: perr.message });
      });
    });
  });
  let outcome: Outcome;
  try {
    outcome = await withDeadline(env.timers, env.limits.echoMs, work);
  } catch (e) {
    if (!(e instanceof DeadlineExceeded)) throw e;
    return warn({ code: 'echo_lost', params: { ...params, ms: e.ms } });
  } finally {
    if (onMessage) client.removeListener('message', onMessage);
  }
  if ('got' in outcome) {
    const ms = Math.round(outcome.got - sentAt);
    return {
      echo: { step: 'echo', status: 'ok', findings: [{ code: 'echo_ok', params: { topic } }] },
      rtt: { step: 'rtt', status: 'ok', findings: [{ code: 'rtt_ok', params: { ms } }], ms },
    };
  }
  if ('refused' in outcome) {
    return warn({ code: outcome.refused === 'subscribe' ? 'echo_acl_subscribe' : 'echo_acl_publish', params: { ...params, rc: outcome.rc } });
  }
  return { echo: { step: 'echo', status: 'fail', findings: [{ code: 'echo_failed', params: { error: outcome.error } }] }, rtt: noRtt() };
}

function warn(finding: StepResult['findings'][number]): { echo: StepResult; rtt: StepResult } {
  return { echo: { step: 'echo', status: 'warn', findings: [finding] }, rtt: noRtt() };
}

function noRtt(): StepResult {
  return { step: 'rtt', status: 'skip', findings: [{ code: 'rtt_none' }] };
}
