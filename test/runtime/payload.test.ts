import { describe, expect, it } from 'vitest';
import { payloadSchemas } from '../../src/contract/payloads.js';
import { runningState } from '../../src/runtime/payload.js';
import type { ElevatorSignals } from '../../src/signals/types.js';

const { runningStateSchema } = payloadSchemas();

const FLOORS = [
  { label: 'B1', levelMm: 0 },
  { label: '1', levelMm: 3000 },
  { label: '2', levelMm: 6000 },
];

const good = <V>(value: V) => ({ value, quality: 'good' as const, at: 0 });
const bad = <V>(value: V) => ({ value, quality: 'bad' as const, at: 0 });

describe('running state in payloads', () => {
  it('given good readings, carries their values and the floor label', () => {
    const s: ElevatorSignals = { floor: good(1), positionMm: good(3004.4), speedMps: good(0), door: good('closed'), doorLockCircuit: good(true), occupied: good(true) };
    expect(runningState(s, FLOORS)).toEqual({
      floor: '1',
      floorIndex: 1,
      positionMm: 3004,
      speedMps: 0,
      carStatus: 'stop',
      door: 'closed',
      doorClosedAndLocked: true,
      occupied: true,
    });
  });

  it('given bad readings, says null and names them — never the last value the signal held', () => {
    const s: ElevatorSignals = {
      floor: bad(2),
      positionMm: bad(6000),
      speedMps: bad(1.2),
      door: bad('open'),
      doorLockCircuit: good(true),
      occupied: bad(true),
      mainsPower: bad(false),
    };
    const st = runningState(s, FLOORS);
    expect(st).toEqual({
      floor: null,
      floorIndex: null,
      positionMm: null,
      speedMps: null,
      carStatus: null,
      door: null,
      doorClosedAndLocked: null,
      occupied: null,
      mainsPower: null,
      badSignals: ['door', 'floor', 'mainsPower', 'occupied', 'positionMm', 'speedMps'],
    });
    expect(runningStateSchema.parse(st)).toEqual(st);
  });

  it('leaves out what the board does not provide', () => {
    expect(runningState({ occupied: good(false) }, FLOORS)).toEqual({ occupied: false });
  });
});
