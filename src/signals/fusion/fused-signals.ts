import type { MonoMs, Quality } from '../../../drivers/types.js';
import type { BoardProfile, RawSignal } from '../../config/board.js';
import type { SignalName } from '../types.js';
import { type FusionStatus, ShaftFusion } from './fusion.js';
import { type LearnedShaft, shaftModel } from './shaft.js';

/** The raw inputs the fusion reads. */
const INPUTS: ReadonlySet<RawSignal> = new Set(['accelVerticalMps2', 'pressurePa', 'doorZoneUpper', 'doorZoneLower', 'doorClosed']);

/** The signals a retrofit board gets from the fusion rather than from a controller register. */
export const FUSED_SIGNALS: readonly SignalName[] = ['positionMm', 'floor', 'levelingErrorMm', 'speedMps', 'direction'];

export interface FusedInput {
  signal: RawSignal;
  value: number | boolean;
  at: MonoMs;
}

export interface FusedReading {
  value: number;
  quality: Quality;
  at: MonoMs;
}

/**
 * The normalizer's view of the fusion (src/signals/normalize.ts): it hands over each poll's
 * good readings of the fused inputs, in engineering units, and asks for position and speed.
 * The poll's readings are sorted by the time they were taken, so an accelerometer FIFO, a
 * barometer conversion and a Hall sensor's edge are applied in the order they happened.
 */
export class FusedSignals {
  readonly fusion: ShaftFusion;

  constructor(fusion: ShaftFusion) {
    this.fusion = fusion;
  }

  wants(signal: RawSignal): boolean {
    return INPUTS.has(signal);
  }

  /** Sorts `batch` in place: the normalizer builds it for this call alone (no copy per poll). */
  update(batch: FusedInput[]): void {
    batch.sort((a, b) => a.at - b.at);
    for (const i of batch) {
      if (i.signal === 'accelVerticalMps2') this.fusion.accel(Number(i.value), i.at);
      else if (i.signal === 'pressurePa') this.fusion.pressure(Number(i.value), i.at);
      else if (i.signal === 'doorZoneUpper') this.fusion.sensor('upper', Boolean(i.value), i.at);
      else if (i.signal === 'doorZoneLower') this.fusion.sensor('lower', Boolean(i.value), i.at);
      else if (i.signal === 'doorClosed') this.fusion.door(Boolean(i.value));
    }
  }

  position(now: MonoMs): FusedReading {
    return this.fusion.position(now);
  }

  speed(now: MonoMs): FusedReading {
    return this.fusion.speed(now);
  }

  levelingError(now: MonoMs): FusedReading {
    return this.fusion.levelingError(now);
  }

  status(now: MonoMs): FusionStatus {
    return this.fusion.status(now);
  }
}

/** A poll's raw points as the fusion's inputs, through the profile's scale, offset and inversion (the normalizer's mapping). */
export function fusedInputsOf(board: BoardProfile, points: readonly { point: string; value: number | boolean; at: MonoMs; quality: Quality }[]): FusedInput[] {
  const out: FusedInput[] = [];
  for (const p of points) {
    const def = board.points.find((d) => d.name === p.point);
    if (!def?.signal || !INPUTS.has(def.signal) || p.quality !== 'good') continue;
    const value = typeof p.value === 'number' ? p.value * def.scale + def.offset : def.invert ? !p.value : p.value;
    out.push({ signal: def.signal, value, at: p.at });
  }
  return out;
}

/**
 * The fusion of a board that measures its own motion (a retrofit sensor box: an accelerometer,
 * a barometer and the two door-zone Hall sensors), or undefined for a board that reads a
 * controller's position and speed.
 */
export function fusedSignalsFor(
  board: BoardProfile,
  o: { floorLevelsMm: readonly number[]; staleAfterMs: number; shaft?: LearnedShaft | undefined; startLanding?: number },
): FusedSignals | undefined {
  if (board.transport !== 'retrofit-firmata' && board.transport !== 'retrofit-i2c') return undefined;
  const provides = new Set(board.points.map((p) => p.signal));
  for (const s of ['accelVerticalMps2', 'pressurePa', 'doorZoneUpper', 'doorZoneLower'] as const) if (!provides.has(s)) return undefined;
  const shaft = shaftModel(o.floorLevelsMm, o.shaft, board.vanes);
  const fullScale = board.sensors.accelerometer.rangeG * 9.80665;
  return new FusedSignals(
    new ShaftFusion({ shaft, accelFullScaleMps2: fullScale, staleAfterMs: o.staleAfterMs, ...(o.startLanding === undefined ? {} : { startLanding: o.startLanding }) }),
  );
}
