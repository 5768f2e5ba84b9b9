import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForPort } from './ports.js';
import type { TestPki } from './tls-pki.js';

export interface TlsMosquittoOptions {
  /** user → password, written with Debian's `mosquitto_passwd` (anonymous clients are refused). */
  users: Record<string, string>;
  /** mosquitto ACL file text (`user NAME` / `topic readwrite TOPIC` lines). */
  acl: string;
}

/**
 * A real mosquitto (Debian package) with TLS, a password file and an ACL, on random loopback ports:
 * `port` presents the valid server certificate and requires a client certificate signed by the
 * test CA; `expiredPort` presents the expired one (same key and names). Stopped by `close()`.
 */
export class TlsMosquitto {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    readonly expiredPort: number,
  ) {}

  static async start(pki: TestPki, opts: TlsMosquittoOptions): Promise<TlsMosquitto> {
    const at = (name: string) => join(pki.dir, name);
    const passwd = at('mosquitto.passwd');
    Object.entries(opts.users).forEach(([user, password], i) => {
      execFileSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', passwd, user, password], { stdio: 'ignore' });
    });
    writeFileSync(at('mosquitto.acl'), opts.acl);
    // Readable by the mosquitto user it drops to when started as root.
    for (const f of [passwd, at('mosquitto.acl')]) chmodSync(f, 0o644);
    const [port, expiredPort] = [await freePort(), await freePort()];
    const listener = (p: number, cert: string, requireClientCert: boolean) => [
      `listener ${p} 127.0.0.1`,
      `cafile ${pki.ca}`,
      `certfile ${cert}`,
      `keyfile ${pki.serverKey}`,
      `require_certificate ${requireClientCert}`,
    ];
    writeFileSync(
      at('mosquitto.conf'),
      [
        'per_listener_settings false',
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${at('mosquitto.acl')}`,
        'persistence false',
        'log_dest none',
        ...listener(port, pki.serverCert, true),
        ...listener(expiredPort, pki.expiredCert, false),
        '',
      ].join('\n'),
    );
    const proc = spawn('mosquitto', ['-c', at('mosquitto.conf')], { stdio: 'ignore' });
    await Promise.all([waitForPort(port), waitForPort(expiredPort)]);
    return new TlsMosquitto(proc, port, expiredPort);
  }

  async close(): Promise<void> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
    });
  }
}
