import type { BoardProfile, ModbusBoardProfile, ModbusPointDef, ModbusTable } from '../config/board.js';
import type { Timers } from '../core/clock.js';
import { classify, exceptionCodeOf } from '../../drivers/modbus/errors.js';
import { type BlockResult, decodePoint, namedRuns, planReads, type ReadBlock } from '../../drivers/modbus/plan.js';
import { type Implausible, implausible } from './plausible.js';

/**
 * Which shipped board profile a device found by `diag scan` fits, read from the profiles
 * themselves: every read block of the profile answers, every value is plausible for its signal
 * (plausible.ts), and a heartbeat point advances between two reads HEARTBEAT_GAP_MS apart. Of the
 * profiles that fit, the one that explains most points is the best (sim-modbus over the generic map
 * it extends; the controller map over the discrete inputs a controller also serves). A block the
 * device refuses (exception 2 or 3) across addresses the profile does not name is read again in its
 * named runs, as the driver does when polling (splitBlock). Reads only.
 */

/** The generic map's heartbeat counts once a second: 1.2 s apart, two reads see it move. */
export const HEARTBEAT_GAP_MS = 1200;
/** A read that times out or comes back garbled is tried once more; an exception is an answer. */
const MATCH_ATTEMPTS = 2;

export interface BlockReader {
  read(unitId: number, block: ReadBlock, timeoutMs: number): Promise<BlockResult>;
}

export type Mismatch =
  | { kind: 'read-failed'; table: ModbusTable; address: number; count: number; code: string; exception?: number }
  | Implausible
  | { kind: 'heartbeat-frozen'; point: string; value: number; afterMs: number };

type Verdict = { profile: string; fits: true; points: number; heartbeat: boolean } | { profile: string; fits: false; why: Mismatch };

export interface DeviceMatch {
  /** The profile that fits and explains most points; null when none fits. */
  best: string | null;
  fits: string[];
  verdicts: Verdict[];
}

type Read = { ok: true; result: BlockResult } | { ok: false; code: string; exception?: number };

/** The Modbus profiles among the loaded boards, whatever transport they were written for (the map is the same). */
export function modbusProfiles(boards: Iterable<BoardProfile>): ModbusBoardProfile[] {
  return [...boards].filter((b): b is ModbusBoardProfile => b.transport.startsWith('modbus'));
}

const keyOf = (b: ReadBlock) => `${b.table}:${b.address}:${b.count}`;
const heartbeatPoints = (p: ModbusBoardProfile): ModbusPointDef[] => p.points.filter((x) => x.signal === 'heartbeat');

function uniqueBlocks(blocks: Iterable<ReadBlock>): ReadBlock[] {
  return [...new Map([...blocks].map((b) => [keyOf(b), b])).values()];
}

/** Reads per device, at most (first pass over every profile's blocks, then the heartbeat blocks again): for the budget. */
export function matchReadsPerDevice(profiles: readonly ModbusBoardProfile[]): number {
  const all = uniqueBlocks(profiles.flatMap((p) => planReads(p.points)));
  const runs = uniqueBlocks(profiles.flatMap((p) => planReads(p.points).flatMap((b) => gapRuns(p.points, b))));
  const beats = uniqueBlocks(profiles.flatMap((p) => planReads(heartbeatPoints(p))));
  return (all.length + runs.length + beats.length) * MATCH_ATTEMPTS;
}

/** The named runs of `block` when it spans addresses `points` do not name; none when it has no gap. */
function gapRuns(points: readonly ModbusPointDef[], block: ReadBlock): ReadBlock[] {
  const runs = namedRuns(points, block);
  return runs.length < 2 ? [] : runs;
}

/** An answer that says the device is there but does not serve all of the range (illegal address or value). */
const refused = (r: Read | undefined): boolean => r !== undefined && !r.ok && (r.exception === 2 || r.exception === 3);

async function readBlock(reader: BlockReader, unitId: number, block: ReadBlock, timeoutMs: number): Promise<Read> {
  let last: Read = { ok: false, code: 'MODBUS_TIMEOUT' };
  for (let attempt = 0; attempt < MATCH_ATTEMPTS; attempt++) {
    try {
      return { ok: true, result: await reader.read(unitId, block, timeoutMs) };
    } catch (e) {
      const code = classify(e);
      last = { ok: false, code, ...(code === 'MODBUS_EXCEPTION' ? { exception: exceptionCodeOf(e) } : {}) };
      if (code === 'MODBUS_EXCEPTION' || code === 'MODBUS_IO') return last;
    }
  }
  return last;
}

/**
 * Every block of every point set, then the named runs of each block the device refused across a gap
 * of that set: one read per distinct block.
 */
async function readAll(reader: BlockReader, unitId: number, pointSets: readonly (readonly ModbusPointDef[])[], timeoutMs: number): Promise<Map<string, Read>> {
  const reads = new Map<string, Read>();
  const readEach = async (blocks: readonly ReadBlock[]) => {
    for (const b of uniqueBlocks(blocks)) if (!reads.has(keyOf(b))) reads.set(keyOf(b), await readBlock(reader, unitId, b, timeoutMs));
  };
  await readEach(pointSets.flatMap((points) => planReads(points)));
  await readEach(pointSets.flatMap((points) => planReads(points).flatMap((b) => (refused(reads.get(keyOf(b))) ? gapRuns(points, b) : []))));
  return reads;
}

/** The profile's blocks from the reads (a refused block as its named runs), or the first that failed. */
function resultsFor(profile: ModbusBoardProfile, reads: Map<string, Read>, points = profile.points): BlockResult[] | Mismatch {
  const out: BlockResult[] = [];
  for (const block of planReads(points)) {
    const runs = refused(reads.get(keyOf(block))) ? gapRuns(points, block) : [];
    for (const b of runs.length > 0 ? runs : [block]) {
      const r = reads.get(keyOf(b))!;
      if (!r.ok) return { kind: 'read-failed', ...b, code: r.code, ...(r.exception === undefined ? {} : { exception: r.exception }) };
      if ((r.result.words ?? r.result.bits ?? []).length < b.count) return { kind: 'read-failed', ...b, code: 'SHORT_ANSWER' };
      out.push(r.result);
    }
  }
  return out;
}

function heartbeatValues(profile: ModbusBoardProfile, results: readonly BlockResult[]): Map<string, number | boolean | undefined> {
  return new Map(heartbeatPoints(profile).map((p) => [p.name, decodePoint(p, results)]));
}

/**
 * Matches every device (unit id) found on one line against the profiles: one pass of reads, one
 * shared wait for the heartbeats, one pass of heartbeat reads. Never writes.
 */
export async function matchDevices(
  reader: BlockReader,
  unitIds: readonly number[],
  profiles: readonly ModbusBoardProfile[],
  o: { timeoutMs: number; io: Timers },
): Promise<Map<number, DeviceMatch>> {
  const first = new Map<number, Map<string, Read>>();
  for (const unit of unitIds)
    first.set(
      unit,
      await readAll(
        reader,
        unit,
        profiles.map((p) => p.points),
        o.timeoutMs,
      ),
    );

  const verdicts = new Map<number, Verdict[]>();
  const waiting: { unit: number; profile: ModbusBoardProfile; before: Map<string, number | boolean | undefined> }[] = [];
  for (const unit of unitIds) {
    const list: Verdict[] = [];
    for (const profile of profiles) {
      const results = resultsFor(profile, first.get(unit)!);
      const why = Array.isArray(results) ? implausible(profile, results) : results;
      if (why) list.push({ profile: profile.id, fits: false, why });
      else if (heartbeatPoints(profile).length > 0) waiting.push({ unit, profile, before: heartbeatValues(profile, results as BlockResult[]) });
      else list.push({ profile: profile.id, fits: true, points: profile.points.length, heartbeat: false });
    }
    verdicts.set(unit, list);
  }

  if (waiting.length > 0) {
    await new Promise<void>((resolve) => o.io.after(HEARTBEAT_GAP_MS, resolve));
    for (const unit of new Set(waiting.map((w) => w.unit))) {
      const mine = waiting.filter((w) => w.unit === unit);
      const again = await readAll(
        reader,
        unit,
        mine.map((w) => heartbeatPoints(w.profile)),
        o.timeoutMs,
      );
      for (const w of mine) verdicts.get(unit)!.push(heartbeatVerdict(w.profile, w.before, resultsFor(w.profile, again, heartbeatPoints(w.profile))));
    }
  }

  return new Map(unitIds.map((unit) => [unit, summarise(profiles, verdicts.get(unit)!)]));
}

function heartbeatVerdict(profile: ModbusBoardProfile, before: Map<string, number | boolean | undefined>, results: BlockResult[] | Mismatch): Verdict {
  if (!Array.isArray(results)) return { profile: profile.id, fits: false, why: results };
  const after = heartbeatValues(profile, results);
  for (const [point, value] of before) {
    if (after.get(point) === value) return { profile: profile.id, fits: false, why: { kind: 'heartbeat-frozen', point, value: Number(value), afterMs: HEARTBEAT_GAP_MS } };
  }
  return { profile: profile.id, fits: true, points: profile.points.length, heartbeat: true };
}

/** Verdicts in profile order; the best fit explains most points (a heartbeat that moved breaks a tie). */
function summarise(profiles: readonly ModbusBoardProfile[], verdicts: Verdict[]): DeviceMatch {
  const ordered = profiles.map((p) => verdicts.find((v) => v.profile === p.id)!);
  const fitting = ordered.filter((v): v is Extract<Verdict, { fits: true }> => v.fits);
  const ranked = [...fitting].sort((a, b) => b.points - a.points || Number(b.heartbeat) - Number(a.heartbeat));
  return { best: ranked[0]?.profile ?? null, fits: ranked.map((v) => v.profile), verdicts: ordered };
}
