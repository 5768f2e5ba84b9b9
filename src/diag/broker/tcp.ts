import net from 'node:net';
import { DeadlineExceeded, withDeadline } from './deadline.js';
import type { BrokerTarget, StepEnv, StepResult } from './types.js';

/**
 * Step 2: something accepts TCP connections on the broker's port; the time the handshake took.
 * It connects by name, as mqtt.js will (every address of the name, IPv6 and IPv4), and names the
 * address that answered.
 */
export async function checkTcp(target: BrokerTarget, env: StepEnv): Promise<StepResult> {
  const params = { address: target.host, port: target.port };
  const started = env.timers.now();
  let socket: net.Socket | undefined;
  try {
    await withDeadline(
      env.timers,
      env.limits.tcpMs,
      new Promise<void>((resolve, reject) => {
        socket = net.connect({ host: target.host, port: target.port }, () => resolve());
        socket.once('error', reject);
      }),
    );
    const ms = Math.round(env.timers.now() - started);
    return { step: 'tcp', status: 'ok', findings: [{ code: 'tcp_ok', params: { ...params, address: socket?.remoteAddress ?? target.host } }], ms };
  } catch (e) {
    if (e instanceof DeadlineExceeded) return { step: 'tcp', status: 'fail', findings: [{ code: 'tcp_timeout', params: { ...params, ms: e.ms } }] };
    // Several addresses tried: an AggregateError holding each one's error.
    const err = e as NodeJS.ErrnoException & { errors?: NodeJS.ErrnoException[] };
    const error = err.code ?? err.errors?.[0]?.code ?? String(e);
    return { step: 'tcp', status: 'fail', findings: [{ code: error === 'ECONNREFUSED' ? 'tcp_refused' : 'tcp_failed', params: { ...params, error } }] };
  } finally {
    socket?.destroy();
  }
}
