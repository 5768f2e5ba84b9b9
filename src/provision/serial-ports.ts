import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { refuse, ok, type Check } from './fields.js';

/** A serial adapter present on this machine, by its most stable name. */
export interface SerialAdapter {
  /** What goes into the config, e.g. /dev/elevgw-rs485-A10K3XYZ. */
  path: string;
  /** The kernel device behind it (ttyUSB0), shown so the installer can tell two adapters apart. */
  device: string;
}

/**
 * The adapters plugged in now, most stable names first: the udev names install.sh gives each
 * RS-485 adapter by its serial number (`elevgw-rs485-<serial>`), then `serial/by-id/*`, then the
 * raw `ttyUSB*`/`ttyACM*`, whose numbers change with the order of plugging. A device is listed
 * once, under its first name. `devDir` is /dev except in tests.
 */
export function listSerialAdapters(devDir: string): SerialAdapter[] {
  const candidates = [
    ...entries(devDir)
      .filter((n) => n.startsWith('elevgw-rs485'))
      .map((n) => join(devDir, n)),
    ...entries(join(devDir, 'serial', 'by-id')).map((n) => join(devDir, 'serial', 'by-id', n)),
    ...entries(devDir)
      .filter((n) => /^tty(USB|ACM)\d+$/.test(n))
      .map((n) => join(devDir, n)),
  ];
  const seen = new Set<string>();
  const out: SerialAdapter[] = [];
  for (const path of candidates) {
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      continue; // a link left behind by an adapter unplugged a moment ago
    }
    if (seen.has(real)) continue;
    seen.add(real);
    out.push({ path, device: basename(real) });
  }
  return out;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * An adapter named by its USB serial number (the roll-out CSV's `adapter_serial`), as the path
 * the service will open: the udev name install.sh creates for it. Provisioning may happen before
 * the adapter is plugged in, so an absent adapter is not refused, only reported.
 */
export function adapterPath(serial: string, devDir: string): { path: string; present: boolean } {
  const udevName = join(devDir, `elevgw-rs485-${serial}`);
  if (existsSync(udevName)) return { path: udevName, present: true };
  const byId = entries(join(devDir, 'serial', 'by-id')).find((n) => n.includes(`_${serial}-`) || n.endsWith(`_${serial}`));
  if (byId !== undefined) return { path: join(devDir, 'serial', 'by-id', byId), present: true };
  return { path: udevName, present: false };
}

export const checkAdapterSerial: Check<string> = (s) =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(s) ? ok(s) : refuse('适配器序列号只含字母、数字、_ . -', 'an adapter serial number is letters, digits, _ . or -');

/** A serial port typed as a path (flags and CSV): it must be a device path; whether it is present is reported, not refused. */
export const checkSerialPath: Check<string> = (s) =>
  s.startsWith('/') && !/\s/.test(s) ? ok(s) : refuse('串口应为绝对路径，例如 /dev/elevgw-rs485-A10K3XYZ', 'a serial port is an absolute path, e.g. /dev/elevgw-rs485-A10K3XYZ');
