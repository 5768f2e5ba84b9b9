import type { ModbusTable, ModbusPointDef } from '../../src/config/board.js';
import type { RawPoint } from '../types.js';

/** One Modbus read transaction: a contiguous block of one table. */
export interface ReadBlock {
  table: ModbusTable;
  address: number;
  count: number;
}

const MAX_REGISTERS = 125; // Modbus limit for FC3/FC4
const MAX_BITS = 2000; // Modbus limit for FC1/FC2
/**
 * Read across a gap this small rather than spend another transaction on the bus. A controller
 * that refuses the addresses in the gap gets the block read in its named parts (splitBlock).
 */
const MAX_GAP = 8;

function width(p: ModbusPointDef): number {
  return p.source.type === 'int32' || p.source.type === 'uint32' ? 2 : 1;
}

/** Contiguous blocks covering the points of one poll group, fewest transactions first. */
export function planReads(points: readonly ModbusPointDef[]): ReadBlock[] {
  const byTable = new Map<ModbusTable, number[]>();
  for (const p of points) {
    const list = byTable.get(p.source.table) ?? [];
    for (let i = 0; i < width(p); i++) list.push(p.source.address + i);
    byTable.set(p.source.table, list);
  }
  const blocks: ReadBlock[] = [];
  for (const [table, addrs] of byTable) {
    const sorted = [...new Set(addrs)].sort((a, b) => a - b);
    const max = table === 'coil' || table === 'discrete' ? MAX_BITS : MAX_REGISTERS;
    let start = sorted[0]!;
    let end = start;
    for (const a of sorted.slice(1)) {
      if (a - end <= MAX_GAP && a - start < max) end = a;
      else {
        blocks.push({ table, address: start, count: end - start + 1 });
        start = end = a;
      }
    }
    blocks.push({ table, address: start, count: end - start + 1 });
  }
  return blocks;
}

/** Values read for one block: registers as 16-bit words, coils/discretes as bits. */
export interface BlockResult {
  block: ReadBlock;
  words?: readonly number[];
  bits?: readonly boolean[];
}

function toSigned16(w: number): number {
  return w & 0x8000 ? w - 0x10000 : w;
}

/** Whether `block` holds every word (or bit) of `p`. */
function holds(block: ReadBlock, p: ModbusPointDef): boolean {
  const s = p.source;
  return block.table === s.table && s.address >= block.address && s.address + width(p) <= block.address + block.count;
}

/** Decodes one point from the block results; undefined when its words were not read. */
export function decodePoint(p: ModbusPointDef, results: readonly BlockResult[]): number | boolean | undefined {
  for (const r of results) if (holds(r.block, p)) return decodeFrom(p, r);
  return undefined;
}

/** Decodes one point from the result of a block that holds it; undefined when the answer was short. */
function decodeFrom(p: ModbusPointDef, r: BlockResult): number | boolean | undefined {
  return decodeWith(decoderOf(p, -1, r.block.address), r);
}

/** Points of a group from block results, asked for and answered at `at`; a point that could not be read is 'bad'. */
export function decodeGroup(points: readonly ModbusPointDef[], results: readonly BlockResult[], at: number): RawPoint[] {
  return points.map((p) => {
    const v = decodePoint(p, results);
    return v === undefined ? { point: p.name, value: 0, at, askedAt: at, quality: 'bad' } : { point: p.name, value: v, at, askedAt: at, quality: 'good' };
  });
}

/** Value kinds of a register point, as a PointDecoder holds them. */
const KIND = { bool: 0, uint16: 1, int16: 2, uint32: 3, int32: 4 } as const;

/**
 * How one point's value comes out of its block's answer, planned once: every decoder has the
 * same fields (the board's point definitions, as the schema leaves them, have different sets of
 * optional fields, so reading them on every poll is a megamorphic load each).
 */
interface PointDecoder {
  readonly name: string;
  /** Index of the block that holds the point; -1 none. */
  readonly block: number;
  /** Its first word's (or bit's) index in the block. */
  readonly offset: number;
  /** The bit of a flag (of a uint16, or of a uint32 value); -1 for a value. */
  readonly bit: number;
  readonly kind: number;
  /** A 32-bit value with its low word first. */
  readonly lowFirst: boolean;
}

/**
 * A poll group planned once, at start: its blocks and, for each point, the index of the block
 * that holds it and how to decode it. Decoding a poll then looks nothing up (`decodePlanned`),
 * which matters on a path run every 10 ms.
 */
export interface GroupPlan {
  readonly points: readonly ModbusPointDef[];
  readonly blocks: readonly ReadBlock[];
  readonly blockOf: readonly number[];
  readonly decoders: readonly PointDecoder[];
}

export function planGroup(points: readonly ModbusPointDef[]): GroupPlan {
  return planBlocks(points, planReads(points));
}

/** The plan of `points` read as `blocks` (each point in the first block that holds it). */
function planBlocks(points: readonly ModbusPointDef[], blocks: readonly ReadBlock[]): GroupPlan {
  const blockOf = points.map((p) => blocks.findIndex((b) => holds(b, p)));
  const decoders = points.map((p, i) => decoderOf(p, blockOf[i]!, blockOf[i]! < 0 ? p.source.address : blocks[blockOf[i]!]!.address));
  return { points, blocks, blockOf, decoders };
}

/**
 * The addresses of `block` the points name, as contiguous blocks: what a controller still answers
 * when it refuses a read across the addresses the profile does not name (planReads joins blocks
 * across such gaps). One block when the block has no gap.
 */
export function namedRuns(points: readonly ModbusPointDef[], block: ReadBlock): ReadBlock[] {
  const named = new Set<number>();
  for (const p of points) {
    if (p.source.table !== block.table) continue;
    for (let i = 0; i < width(p); i++) named.add(p.source.address + i);
  }
  const runs: ReadBlock[] = [];
  const end = block.address + block.count;
  for (let a = block.address; a < end; a++) {
    if (!named.has(a)) continue;
    const last = runs.at(-1);
    if (last !== undefined && last.address + last.count === a) last.count++;
    else runs.push({ table: block.table, address: a, count: 1 });
  }
  return runs;
}

/**
 * The plan with its block at `index` read as its named runs instead (namedRuns), or undefined
 * when that block has no gap to leave out. The blocks before `index` keep their indexes.
 */
export function splitBlock(plan: GroupPlan, index: number): GroupPlan | undefined {
  const runs = namedRuns(plan.points, plan.blocks[index]!);
  if (runs.length < 2) return undefined;
  return planBlocks(plan.points, [...plan.blocks.slice(0, index), ...runs, ...plan.blocks.slice(index + 1)]);
}

/** The decoder of point `p` in the block at index `block` (-1: none) that starts at `blockAddress`. */
function decoderOf(p: ModbusPointDef, block: number, blockAddress: number): PointDecoder {
  const s = p.source;
  return { name: p.name, block, offset: s.address - blockAddress, bit: s.bit ?? -1, kind: KIND[s.type], lowFirst: s.wordOrder === 'low-first' };
}

/** One point's value from the answer to its block; undefined when the answer was short. */
function decodeWith(d: PointDecoder, r: BlockResult): number | boolean | undefined {
  const i = d.offset;
  if (r.bits) return r.bits[i];
  const words = r.words;
  if (!words) return undefined;
  const w0 = words[i];
  if (w0 === undefined) return undefined;
  const kind = d.kind;
  if (d.bit >= 0 && kind !== KIND.uint32) return ((w0 >> d.bit) & 1) === 1;
  if (kind === KIND.uint16) return w0 & 0xffff;
  if (kind === KIND.int16) return toSigned16(w0 & 0xffff);
  if (kind === KIND.bool) return w0 !== 0;
  const w1 = words[i + 1];
  if (w1 === undefined) return undefined;
  const hi = d.lowFirst ? w1 : w0;
  const lo = d.lowFirst ? w0 : w1;
  const u = ((hi & 0xffff) * 0x10000 + (lo & 0xffff)) >>> 0;
  if (d.bit >= 0) return ((u >>> d.bit) & 1) === 1; // a bit of the 32-bit value, whatever its word order
  return kind === KIND.int32 ? u | 0 : u;
}

/**
 * A poll's points from the results of its plan's blocks, `results[i]` answering `blocks[i]`; a
 * block that was not read (refused, or after the poll ended) has no result, and its points are 'bad'.
 * `askedAt[i]`: when the request `results[i]` answers was sent (absent: `at`), each point's `askedAt`;
 * every point gets the field, so the poll's points keep one shape.
 */
export function decodePlanned(plan: GroupPlan, results: readonly (BlockResult | undefined)[], at: number, askedAt?: readonly number[]): RawPoint[] {
  const decoders = plan.decoders;
  const out: RawPoint[] = [];
  for (let i = 0; i < decoders.length; i++) {
    const d = decoders[i]!;
    const r = d.block < 0 ? undefined : results[d.block];
    const v = r === undefined ? undefined : decodeWith(d, r);
    if (v === undefined) out.push({ point: d.name, value: 0, at, askedAt: at, quality: 'bad' });
    else out.push({ point: d.name, value: v, at, askedAt: askedAt === undefined ? at : (askedAt[d.block] ?? at), quality: 'good' });
  }
  return out;
}
