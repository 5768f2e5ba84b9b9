import { describe, expect, it } from 'vitest';
import { payloadSchemas } from '../../src/contract/payloads.js';
import { BlackboxLinks, runningState } from '../../src/runtime/payload.js';
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

  it('names each circuit, switch and the direction by its own key', () => {
    const s: ElevatorSignals = {
      direction: good('up'),
      doorZone: good(false),
      inspection: good(true),
      safetyCircuit: good(false),
      topFinalLimit: good(true),
      bottomFinalLimit: good(false),
      mainsPower: good(true),
    };
    expect(runningState(s, FLOORS)).toEqual({
      direction: 'up',
      doorZone: false,
      inspection: true,
      safetyCircuit: false,
      topFinalLimit: true,
      bottomFinalLimit: false,
      mainsPower: true,
    });
  });

  it('speed to the mm/s; stopped below the stationary threshold, running at it', () => {
    expect(runningState({ speedMps: good(1.23456) }, FLOORS)).toEqual({ speedMps: 1.235, carStatus: 'run' });
    expect(runningState({ speedMps: good(-0.049) }, FLOORS, 0.05)).toMatchObject({ carStatus: 'stop' });
    expect(runningState({ speedMps: good(0.05) }, FLOORS, 0.05)).toMatchObject({ carStatus: 'run' });
    expect(runningState({ speedMps: good(-0.05) }, FLOORS, 0.05)).toMatchObject({ carStatus: 'run' });
  });

  it('door closed and locked only when both read so; unknown when either reads bad; absent without a lock input', () => {
    const both = (door: 'open' | 'closed', lock: boolean) => runningState({ door: good(door), doorLockCircuit: good(lock) }, FLOORS).doorClosedAndLocked;
    expect([both('closed', true), both('closed', false), both('open', true), both('open', false)]).toEqual([true, false, false, false]);
    expect(runningState({ door: good('closed'), doorLockCircuit: bad(true) }, FLOORS).doorClosedAndLocked).toBeNull();
    expect(runningState({ door: good('closed') }, FLOORS)).not.toHaveProperty('doorClosedAndLocked');
    expect(runningState({ doorLockCircuit: good(true) }, FLOORS)).not.toHaveProperty('doorClosedAndLocked');
  });

  it('a floor index the floor table does not have reads as no label', () => {
    expect(runningState({ floor: good(7) }, FLOORS)).toEqual({ floorIndex: 7, floor: null });
  });
});

describe('black-box links', () => {
  it('keeps the last `capacity` raised events, and only raised ones', () => {
    const links = new BlackboxLinks(3);
    const raised = (mono: number) => ({ elevatorId: 'E1', type: 'stopped-outside-zone' as const, phase: 'raised' as const, mono });
    for (const mono of [1, 2, 3]) links.remember(raised(mono), `id${mono}`);
    links.remember({ ...raised(4), phase: 'cleared' }, 'id-cleared');
    const follow = (mono: number) => links.forId({ elevatorId: 'E1', blackboxFor: { type: 'stopped-outside-zone', mono } });
    expect([follow(1), follow(4)]).toEqual(['id1', undefined]);
    links.remember(raised(5), 'id5');
    links.remember(raised(6), 'id6'); // now four: the oldest goes
    expect([follow(2), follow(3), follow(5), follow(6)]).toEqual([undefined, 'id3', 'id5', 'id6']);
    expect(follow(6)).toBeUndefined(); // one follow-up per raise
  });
});
