import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { stopProcess } from '../../src/sim/pty-pair.js';

const SCRIPT = join(packageRoot(), 'test', 'diag', 'rs485_bus.py');

/**
 * A test RS-485 bus (rs485_bus.py): one pty for the master, one per slave, joined by a proxy
 * that is the shared wire and models each participant's baud rate. Everything the master sends
 * is recorded, so a test can show which function codes went out on the wire.
 */
export interface Rs485Bus {
  /** The master's end (what `diag scan --port` opens). */
  readonly master: string;
  /** A slave's end by the name it was created with. */
  slave(name: string): string;
  /** Every chunk the master sent, in order, with the baud rate it was sent at. */
  readonly sent: { bytes: Buffer; baud: number }[];
  close(): Promise<void>;
}

export async function startRs485Bus(dir: string, slaves: readonly string[]): Promise<Rs485Bus> {
  mkdirSync(dir, { recursive: true });
  const proc: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, dir, 'master', ...slaves], { stdio: ['ignore', 'pipe', 'pipe'] });
  const sent: { bytes: Buffer; baud: number }[] = [];
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    proc.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = JSON.parse(buffered.slice(0, nl)) as { ready?: boolean; master?: string; baud?: number };
        buffered = buffered.slice(nl + 1);
        if (line.ready) resolve();
        if (line.master !== undefined) sent.push({ bytes: Buffer.from(line.master, 'hex'), baud: line.baud ?? 0 });
      }
    });
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`rs485_bus.py exited (${code}): ${err.trim()}`)));
  });
  proc.removeAllListeners('exit');
  return { master: join(dir, 'master'), slave: (name) => join(dir, name), sent, close: () => stopProcess(proc) };
}

/** An 8-input RS-485 DI module on Debian's pymodbus (pymodbus_di_slave.py), once it serves. */
export async function startDiModule(o: { port: string; unit: number; baud: number }): Promise<{ close(): Promise<void> }> {
  const proc = spawn('/usr/bin/python3', [join(packageRoot(), 'test', 'diag', 'pymodbus_di_slave.py'), '--port', o.port, '--unit', String(o.unit), '--baud', String(o.baud)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (c: Buffer) => c.toString().includes('"ready"') && resolve());
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`pymodbus DI module exited (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  proc.removeAllListeners('exit');
  return { close: () => stopProcess(proc) };
}
