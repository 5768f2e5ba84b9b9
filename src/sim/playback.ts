import { modbusError } from '../../drivers/modbus/errors.js';
import { modbusBoardSchema, type ModbusBoardProfile, type RawSignal } from '../config/board.js';
import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import type { ReplaySample } from '../replay/sample.js';
import type { SignalName } from '../signals/types.js';

/**
 * A signal-playback simulator: it serves recorded or scripted samples (replay logs, the rule
 * scenario corpus) as a Modbus slave, so they run through the real ModbusDriver, the board
 * profile and the normalizer instead of being injected as ready-made signals.
 *
 * Each provided signal gets its own register (far enough apart to be its own transaction) and
 * its own poll group, so a signal the sample marks unreadable fails alone, as a dead input
 * module would, without taking the others with it.
 */
const STRIDE = 16;
const DOOR_CODES = { closed: 0, opening: 1, open: 2, closing: 3, unknown: 9 } as const;

/** Raw inputs a playback board serves, in register order; derived signals come from the normalizer. */
const SERVED: readonly { signal: SignalName; raw: RawSignal; type: 'int32' | 'int16' | 'uint16'; scale?: number }[] = [
  { signal: 'positionMm', raw: 'positionMm', type: 'int32' },
  { signal: 'speedMps', raw: 'speedMps', type: 'int16', scale: 0.001 },
  { signal: 'door', raw: 'doorState', type: 'uint16' },
  { signal: 'doorZone', raw: 'doorZone', type: 'uint16' },
  { signal: 'safetyCircuit', raw: 'safetyCircuit', type: 'uint16' },
  { signal: 'doorLockCircuit', raw: 'doorLockCircuit', type: 'uint16' },
  { signal: 'overspeedSwitch', raw: 'overspeedSwitch', type: 'uint16' },
  { signal: 'occupied', raw: 'occupied', type: 'uint16' },
  { signal: 'inspection', raw: 'inspection', type: 'uint16' },
  { signal: 'alarmButton', raw: 'alarmButton', type: 'uint16' },
  { signal: 'mainsPower', raw: 'mainsPower', type: 'uint16' },
  { signal: 'topFinalLimit', raw: 'topFinalLimit', type: 'uint16' },
  { signal: 'bottomFinalLimit', raw: 'bottomFinalLimit', type: 'uint16' },
  { signal: 'controllerFloor', raw: 'controllerFloor', type: 'uint16' },
];
const BOOLEAN: ReadonlySet<SignalName> = new Set([
  'doorZone',
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
]);

/** A board profile serving exactly `signals` (those a log provides), one poll group each. */
export function playbackBoard(signals: ReadonlySet<SignalName>, intervalMs: number): ModbusBoardProfile {
  const served = SERVED.map((s, i) => ({ ...s, address: i * STRIDE })).filter((s) => signals.has(s.signal));
  return modbusBoardSchema().parse({
    id: 'playback',
    description: 'signal playback (replay logs and rule scenarios through the Modbus driver)',
    transport: 'modbus-tcp',
    retries: 0,
    // An unreadable signal is an input that fails on every poll; it must not back off the whole slave.
    backoffAfterFailures: 100,
    pollGroups: served.map((s) => ({ name: s.signal, intervalMs })),
    points: served.map((s) => ({
      name: s.signal,
      signal: s.raw,
      group: s.signal,
      source: BOOLEAN.has(s.signal) ? { table: 'holding', address: s.address, bit: 0 } : { table: 'holding', address: s.address, type: s.type },
      ...(s.scale ? { scale: s.scale } : {}),
    })),
  });
}

function encode(signal: SignalName, value: unknown): number[] {
  switch (signal) {
    case 'positionMm': {
      const u = Math.round(Number(value)) >>> 0;
      return [u >>> 16, u & 0xffff];
    }
    case 'speedMps':
      return [Math.max(-32768, Math.min(32767, Math.round(Number(value) * 1000))) & 0xffff];
    case 'door':
      return [DOOR_CODES[value as keyof typeof DOOR_CODES] ?? 9];
    case 'controllerFloor':
      return [Number(value) & 0xffff];
    default:
      return [value ? 1 : 0];
  }
}

/** The link serving the current sample; reads of a signal the sample marks bad get a slave-failure exception. */
export function playbackLink(current: () => ReplaySample): ModbusLink {
  let open = false;
  return {
    description: 'signal playback',
    busKey: `playback:${Math.random().toString(36).slice(2)}`,
    async open() {
      open = true;
    },
    async close() {
      open = false;
    },
    isOpen: () => open,
    async read(_unit: number, block: ReadBlock): Promise<BlockResult> {
      const entry = SERVED[Math.floor(block.address / STRIDE)];
      const sample = current();
      if (!entry || sample.bad.includes(entry.signal) || sample.values[entry.signal] === undefined) {
        throw modbusError('MODBUS_EXCEPTION', 'exception 4 (slave device failure)', 4);
      }
      const words = encode(entry.signal, sample.values[entry.signal]);
      return { block, words: Array.from({ length: block.count }, (_, i) => words[i] ?? 0) };
    },
    async writeRegister() {
      throw modbusError('MODBUS_EXCEPTION', 'playback is read-only: exception 1 (illegal function)', 1);
    },
  };
}
