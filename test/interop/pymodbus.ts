import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/load.js';
import { stopProcess } from '../../src/sim/pty-pair.js';

const SCRIPT = join(packageRoot(), 'test', 'interop', 'pymodbus_rtu_slave.py');

export interface PymodbusSlaveOptions {
  /** The serial path to serve on (one end of a socat pty pair). */
  port: string;
  unit?: number;
  baud?: number;
  positionMm?: number;
  speedMmS?: number;
  status?: number;
  floor?: number;
  /** Discrete inputs 0–7 as a bit string, DI0 first, e.g. "10110111". */
  di?: string;
  frozenHeartbeat?: boolean;
  /** The heartbeat advances only on `tick()`, so a sample-time test decides when it changes. */
  heartbeatOnTick?: boolean;
}

export interface PymodbusSlave {
  /** The version Debian's python3-pymodbus reported. */
  version: string;
  proc: ChildProcess;
  /** With `heartbeatOnTick`: advances the heartbeat register by one; resolves once the slave has. */
  tick(): Promise<number>;
  close(signal?: NodeJS.Signals): Promise<void>;
}

/** Debian's python3-pymodbus as a Modbus RTU slave (test/interop/pymodbus_rtu_slave.py), once it is serving. */
export async function startPymodbusSlave(o: PymodbusSlaveOptions): Promise<PymodbusSlave> {
  const args = [SCRIPT, '--port', o.port, '--unit', String(o.unit ?? 1), '--baud', String(o.baud ?? 9600)];
  if (o.positionMm !== undefined) args.push('--position', String(o.positionMm));
  if (o.speedMmS !== undefined) args.push('--speed', String(o.speedMmS));
  if (o.status !== undefined) args.push('--status', String(o.status));
  if (o.floor !== undefined) args.push('--floor', String(o.floor));
  if (o.di !== undefined) args.push('--di', o.di);
  if (o.frozenHeartbeat) args.push('--frozen-heartbeat');
  if (o.heartbeatOnTick) args.push('--heartbeat-stdin');
  const proc = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const version = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve((JSON.parse(line) as { pymodbus: string }).pymodbus);
    });
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`pymodbus slave exited (${code}): ${err.trim().split('\n').slice(-3).join(' | ')}`)));
  });
  proc.removeAllListeners('exit');
  const tick = () =>
    new Promise<number>((resolve, reject) => {
      const onData = (c: Buffer) => {
        const line = c
          .toString()
          .split('\n')
          .find((l) => l.includes('"tick"'));
        if (!line) return;
        proc.stdout!.off('data', onData);
        resolve((JSON.parse(line) as { tick: number }).tick);
      };
      proc.stdout!.on('data', onData);
      if (!proc.stdin!.write('tick\n')) reject(new Error('pymodbus slave: stdin closed'));
    });
  return { version, proc, tick, close: (signal = 'SIGTERM') => stopProcess(proc, signal) };
}
