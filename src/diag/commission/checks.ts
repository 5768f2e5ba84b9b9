import type { CommissioningCheck } from '../../contract/commissioning.js';
import { defineMessages, msg } from '../i18n.js';
import type { FloorRow } from '../live/frame.js';
import type { SessionRecorder } from './recorder.js';

/** A landing level measured at a stop must lie within this of the floor table. */
const LEVEL_TOLERANCE_MM = 20;
/**
 * The car's speed on a long run against the configured rated speed: GB 7588-2003 §12.6 wants
 * between 92 % and 105 % of rated (with half the rated load going down; an empty car on site is
 * close enough for a commissioning check).
 */
const SPEED_RATIO = { min: 0.92, max: 1.05 } as const;

export interface CheckResult {
  check: CommissioningCheck;
  result: 'pass' | 'warn' | 'fail';
  detail: string;
}

interface FloorMeasurement {
  label: string;
  configuredMm: number;
  /** Median of the levels measured at this landing's stops; null when the car never stopped there. */
  measuredMm: number | null;
  stopsMm: number[];
}

export interface FloorCheck extends CheckResult {
  floors: FloorMeasurement[];
  /** Landings whose measured level is outside the tolerance: what writing the measured levels would change. */
  fixes: { index: number; label: string; fromMm: number; toMm: number }[];
}

const texts = defineMessages({
  levelsOff: msg<{ list: string; ok: number; tol: number }>(
    (p) => `${p.list}; ${p.ok} landing(s) within ±${p.tol} mm`,
    (p) => `${p.list}；${p.ok} 个层站在 ±${p.tol} mm 内`,
  ),
  levelOff: msg<{ label: string; from: number; to: number; d: string }>(
    (p) => `${p.label}: configured ${p.from} mm, measured ${p.to} mm (${p.d} mm)`,
    (p) => `${p.label} 层：配置 ${p.from} mm，实测 ${p.to} mm（${p.d} mm）`,
  ),
  levelsUnmeasured: msg<{ list: string; ok: number; tol: number }>(
    (p) => `not measured (no stop): ${p.list}; ${p.ok} landing(s) within ±${p.tol} mm`,
    (p) => `未测量（未停靠）：${p.list}；${p.ok} 个层站在 ±${p.tol} mm 内`,
  ),
  levelsOk: msg<{ n: number; tol: number; worst: number }>(
    (p) => `all ${p.n} landings within ±${p.tol} mm of the table (largest difference ${p.worst} mm)`,
    (p) => `全部 ${p.n} 个层站与楼层表相差在 ±${p.tol} mm 内（最大 ${p.worst} mm）`,
  ),
  neverRan: msg<{ rated: string }>(
    (p) => `the car never ran (configured ${p.rated} m/s)`,
    (p) => `轿厢未运行（配置 ${p.rated} m/s）`,
  ),
  speed: msg<{ seen: string; pct: number; rated: string; min: number; max: number }>(
    (p) => `${p.seen} m/s seen, ${p.pct} % of the configured ${p.rated} m/s (${p.min}–${p.max} % expected)`,
    (p) => `实测最高 ${p.seen} m/s，为配置值 ${p.rated} m/s 的 ${p.pct} %（应为 ${p.min}–${p.max} %）`,
  ),
  neverChanged: msg<{ list: string; n: number }>(
    (p) => `never changed during the session (${p.n}): ${p.list}`,
    (p) => `本次调试中从未变化（${p.n} 个）：${p.list}`,
  ),
  allChanged: msg<{ n: number }>(
    (p) => `all ${p.n} signals changed at least once`,
    (p) => `全部 ${p.n} 个信号至少变化过一次`,
  ),
  notArmed: msg<{ list: string }>(
    (p) => `not armed: ${p.list}`,
    (p) => `未启用：${p.list}`,
  ),
  allArmed: msg<{ n: number }>(
    (p) => `all ${p.n} rules armed`,
    (p) => `全部 ${p.n} 条规则已启用`,
  ),
});
type Texts = ReturnType<typeof texts>;
export { texts as checkTexts };

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** The floor table against the levels measured at the session's stops. */
export function checkFloors(floors: readonly FloorRow[], rec: SessionRecorder, t: Texts): FloorCheck {
  const measured = floors.map((f, i): FloorMeasurement => {
    const stopsMm = rec.stops.filter((s) => s.floor === i).map((s) => s.levelMm);
    const sorted = [...stopsMm].sort((a, b) => a - b);
    return { label: f.label, configuredMm: f.levelMm, measuredMm: sorted.length ? sorted[sorted.length >> 1]! : null, stopsMm };
  });
  const off = (m: FloorMeasurement) => m.stopsMm.some((l) => Math.abs(l - m.configuredMm) > LEVEL_TOLERANCE_MM);
  const fixes = measured.flatMap((m, index) => (off(m) ? [{ index, label: m.label, fromMm: m.configuredMm, toMm: m.measuredMm! }] : []));
  const unmeasured = measured.filter((m) => m.measuredMm === null).map((m) => m.label);
  const ok = measured.filter((m) => m.measuredMm !== null && !off(m)).length;
  const tol = LEVEL_TOLERANCE_MM;
  if (fixes.length > 0) {
    const list = fixes.map((x) => t.levelOff({ label: x.label, from: x.fromMm, to: x.toMm, d: signed(x.toMm - x.fromMm) })).join('; ');
    return { check: 'floor-table', result: 'fail', detail: t.levelsOff({ list, ok, tol }), floors: measured, fixes };
  }
  if (unmeasured.length > 0) return { check: 'floor-table', result: 'warn', detail: t.levelsUnmeasured({ list: unmeasured.join(', '), ok, tol }), floors: measured, fixes };
  const worst = Math.max(0, ...measured.flatMap((m) => m.stopsMm.map((l) => Math.abs(l - m.configuredMm))));
  return { check: 'floor-table', result: 'pass', detail: t.levelsOk({ n: measured.length, tol, worst }), floors: measured, fixes };
}

/** The highest speed seen against the configured rated speed. */
export function checkSpeed(ratedMps: number, rec: SessionRecorder, t: Texts): CheckResult & { seenMps: number } {
  const seen = Math.round(rec.maxSpeedMps * 100) / 100;
  if (seen < 0.1) return { check: 'rated-speed', result: 'fail', detail: t.neverRan({ rated: ratedMps.toFixed(2) }), seenMps: seen };
  const ratio = rec.maxSpeedMps / ratedMps;
  const result = ratio >= SPEED_RATIO.min && ratio <= SPEED_RATIO.max ? 'pass' : 'fail';
  return {
    check: 'rated-speed',
    result,
    detail: t.speed({ seen: seen.toFixed(2), pct: Math.round(ratio * 100), rated: ratedMps.toFixed(2), min: SPEED_RATIO.min * 100, max: SPEED_RATIO.max * 100 }),
    seenMps: seen,
  };
}

/**
 * Every signal of the board took two values at least once. A warning, not a failure: the
 * checklist does not open the safety circuit or trip a final limit, so those are expected here;
 * the list tells the technician which inputs this session never proved.
 */
export function checkSignals(rec: SessionRecorder, t: Texts): CheckResult & { neverChanged: string[] } {
  const neverChanged = [...rec.values].filter(([, v]) => v.size < 2).map(([k]) => k);
  if (neverChanged.length > 0) return { check: 'signals', result: 'warn', detail: t.neverChanged({ list: neverChanged.join(', '), n: neverChanged.length }), neverChanged };
  return { check: 'signals', result: 'pass', detail: t.allChanged({ n: rec.values.size }), neverChanged };
}

/** Every fault rule armed with this board (src/detect engine.armed()). */
export function checkRules(armed: readonly { type: string; armed: boolean; missing: string[] }[], t: Texts): CheckResult {
  const not = armed.filter((r) => !r.armed);
  if (not.length > 0) return { check: 'rules', result: 'fail', detail: t.notArmed({ list: not.map((r) => `${r.type} (${r.missing.join(', ') || '—'})`).join(', ') }) };
  return { check: 'rules', result: 'pass', detail: t.allArmed({ n: armed.length }) };
}
