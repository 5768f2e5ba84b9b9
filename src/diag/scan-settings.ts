import { z } from 'zod';
import { bitsPerChar } from '../../drivers/kernel/serial-port.js';
import { interFrameMs } from '../../drivers/modbus/rtu-timing.js';
import { ElevgwError } from '../core/errors.js';

/**
 * What `diag scan` tries and how long it waits: unit ids, line settings and per-probe timeouts.
 * Pure: the budget (scan-budget.ts) and the scan (scan.ts) both read these.
 */
export type Parity = 'none' | 'even' | 'odd';

export interface LineSetting {
  baudRate: number;
  parity: Parity;
}

export const DEFAULT_UNITS = '1-247';
export const DEFAULT_BAUDS = '9600,19200,38400,57600,115200';
export const DEFAULT_PARITIES = 'none,even';

/**
 * A line setting stops early when not one byte came back after this many unit ids (its first ten):
 * factory defaults are unit 1 and installers number a bus upwards from 1, so a setting that stays
 * silent for ids 1–10 holds nothing in practice, and ten silent probes cost about 1.7 s. Garbage
 * bytes (a wrong baud rate or parity, noise, another master) are not silence: the setting is
 * scanned to the end. A device at a high id behind a silent start is found by naming it (`--units 100`).
 */
export const SILENT_AFTER_UNITS = 10;

/**
 * How long a slave gets to start answering once our request is on the wire. Controllers and
 * I/O modules typically answer within 5–50 ms; 150 ms leaves room for slow ones and for a
 * loaded USB adapter without making a silent id expensive.
 */
const ANSWER_ALLOWANCE_MS = 150;

/** A probe (FC3, one register) on the wire: request 8 bytes + answer 7 bytes. */
const PROBE_CHARS = 15;

/** Modbus TCP: no wire time to speak of; a TCP-to-RTU gateway needs its own RTU round trip. */
export const TCP_TIMEOUT_MS = 500;

/** The per-unit timeout of a probe at this line setting: the frames' wire time, t3.5, and the answer allowance. */
export function probeTimeoutMs(s: LineSetting): number {
  return Math.ceil((PROBE_CHARS * bitsPerChar(s) * 1000) / s.baudRate + interFrameMs(s)) + ANSWER_ALLOWANCE_MS;
}

function list(flag: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new ElevgwError('CONFIG_INVALID', `${flag}: empty item in "${text}"`);
  return items;
}

const unitSchema = z.coerce.number().int('whole numbers').min(1, 'unit ids are 1–247').max(247, 'unit ids are 1–247');

/** "1-10,17" → 1…10, 17: sorted, each once, 1–247. */
export function parseUnits(text: string): number[] {
  const units = new Set<number>();
  for (const item of list('--units', text)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw new ElevgwError('CONFIG_INVALID', `--units: "${item}" is not a unit id or a range like 1-10`);
    const from = unitSchema.safeParse(m[1]);
    const to = unitSchema.safeParse(m[2] ?? m[1]);
    if (!from.success || !to.success) throw new ElevgwError('CONFIG_INVALID', `--units: "${item}": unit ids are 1–247`);
    if (to.data < from.data) throw new ElevgwError('CONFIG_INVALID', `--units: "${item}" runs backwards`);
    for (let u = from.data; u <= to.data; u++) units.add(u);
  }
  return [...units].sort((a, b) => a - b);
}

const baudSchema = z.coerce.number().int().min(300).max(921_600);

/** "9600,19200" → [9600, 19200], in the order given (the likeliest first), each once. */
export function parseBauds(text: string): number[] {
  return [
    ...new Set(
      list('--bauds', text).map((b) => {
        const r = baudSchema.safeParse(b);
        if (!r.success) throw new ElevgwError('CONFIG_INVALID', `--bauds: "${b}" is not a baud rate (300–921600)`);
        return r.data;
      }),
    ),
  ];
}

const paritySchema = z.enum(['none', 'even', 'odd']);

/** "none,even" → ['none', 'even']; N, E and O are accepted too. */
export function parseParities(text: string): Parity[] {
  const short: Record<string, Parity> = { n: 'none', e: 'even', o: 'odd' };
  return [
    ...new Set(
      list('--parity', text).map((p) => {
        const r = paritySchema.safeParse(short[p.toLowerCase()] ?? p.toLowerCase());
        if (!r.success) throw new ElevgwError('CONFIG_INVALID', `--parity: "${p}" is not none, even or odd`);
        return r.data;
      }),
    ),
  ];
}

/** Every line setting to try, baud rate by baud rate. */
export function lineSettings(bauds: readonly number[], parities: readonly Parity[]): LineSetting[] {
  return bauds.flatMap((baudRate) => parities.map((parity) => ({ baudRate, parity })));
}

/** "19200 8N1" */
export function describeSetting(s: LineSetting): string {
  return `${s.baudRate} 8${s.parity[0]!.toUpperCase()}1`;
}
