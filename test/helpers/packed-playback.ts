import type { ModbusLink } from '../../drivers/modbus/link.js';
import type { BlockResult, ReadBlock } from '../../drivers/modbus/plan.js';
import { modbusBoardSchema, type ModbusBoardProfile } from '../../src/config/board.js';
import type { ReplaySample } from '../../src/replay/sample.js';
import { playbackBoard, playbackLink } from '../../src/sim/playback.js';
import type { SignalName } from '../../src/signals/types.js';

/**
 * The signal-playback board (src/sim/playback.ts) packed for a real serial line. Playback gives
 * every signal its own register and poll group, so one signal can be unreadable alone — 14
 * transactions per sample, which a pty line (t3.5 silence, real timeouts) cannot carry for the
 * whole corpus in minutes. Here only the signals a scenario ever leaves unreadable (marked bad,
 * or without a value yet) keep their own transaction; the others are read as one block, the way
 * a controller's register map is read (boards/generic-modbus-controller.yaml), so a lost frame
 * loses all of them for that poll at once — the case the noisy-line defect is about.
 */
const PACKED_GROUP = 'packed';
/** The packed block lives here, clear of playback's own addresses (signal i at 16·i). */
const PACKED_BASE = 1000;
/** Two registers per packed signal: position is an int32. */
const WIDTH = 2;

/** The signals a scenario's board provides: those any sample gives a value or marks bad. */
function providedSignals(samples: readonly ReplaySample[]): Set<SignalName> {
  const provided = new Set<SignalName>();
  for (const s of samples) {
    for (const k of Object.keys(s.values) as SignalName[]) provided.add(k);
    for (const k of s.bad) provided.add(k);
  }
  return provided;
}

/** Provided signals that some sample leaves unreadable: these must fail alone. */
function isolatedSignals(samples: readonly ReplaySample[], provided: ReadonlySet<SignalName>): Set<SignalName> {
  const out = new Set<SignalName>();
  for (const s of samples) for (const k of provided) if (s.bad.includes(k) || s.values[k] === undefined) out.add(k);
  return out;
}

export interface PackedPlayback {
  board: ModbusBoardProfile;
  /** The slave side: serves the board's registers from the current sample. */
  link(current: () => ReplaySample): ModbusLink;
}

export function packedPlayback(samples: readonly ReplaySample[], sampleMs: number): PackedPlayback {
  const provided = providedSignals(samples);
  const isolated = isolatedSignals(samples, provided);
  const base = playbackBoard(provided, sampleMs);
  // Packed slot j ← the playback register of that signal.
  const origin: number[] = [];
  const points = base.points.map((p) => {
    if (isolated.has(p.name as SignalName)) return p;
    origin.push(p.source.address);
    return { ...p, group: PACKED_GROUP, source: { ...p.source, address: PACKED_BASE + WIDTH * (origin.length - 1) } };
  });
  const pollGroups = [...(origin.length > 0 ? [{ name: PACKED_GROUP, intervalMs: sampleMs }] : []), ...base.pollGroups.filter((g) => isolated.has(g.name as SignalName))];
  const board = modbusBoardSchema().parse({ ...base, id: 'playback-packed', pollGroups, points });

  const link = (current: () => ReplaySample): ModbusLink => {
    const inner = playbackLink(current);
    return {
      ...inner,
      description: 'signal playback (packed)',
      async read(unit: number, block: ReadBlock): Promise<BlockResult> {
        if (block.address < PACKED_BASE) return inner.read(unit, block, 0);
        const words: number[] = [];
        for (let a = block.address; a < block.address + block.count; a++) {
          const slot = Math.floor((a - PACKED_BASE) / WIDTH);
          const at = origin[slot];
          if (at === undefined) throw Object.assign(new Error('illegal data address'), { modbusCode: 2 });
          const r = await inner.read(unit, { table: 'holding', address: at, count: WIDTH }, 0);
          words.push(r.words![(a - PACKED_BASE) % WIDTH]!);
        }
        return { block, words };
      },
    };
  };
  return { board, link };
}
