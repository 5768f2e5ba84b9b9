import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VirtualElevator, type SimState } from '../../src/sim/elevator.js';
import { encodeControllerRegisters, encodeDiscreteInputs, SIM_REGISTER_COUNT, STATUS_BITS } from '../../src/sim/modbus-map.js';

/** What a gateway reading boards/sim-modbus.yaml gets back from the registers. */
function decode(regs: readonly number[]) {
  const r = (i: number): number => regs[i]!;
  const bit = (reg: number, n: number): boolean => ((r(reg) >> n) & 1) === 1;
  return {
    positionMm: ((r(0) << 16) | r(1)) >> 0, // int32, high word first
    speedMmS: (r(2) << 16) >> 16, // int16
    doorClosed: bit(3, 0),
    doorOpen: bit(3, 1),
    doorZone: bit(3, 2),
    safetyCircuit: bit(3, 3),
    doorLockCircuit: bit(3, 4),
    overspeedSwitch: bit(3, 5),
    inspection: bit(3, 6),
    alarmButton: bit(3, 7),
    occupied: bit(3, 8),
    mainsPower: bit(3, 9),
    topFinalLimit: bit(3, 10),
    bottomFinalLimit: bit(3, 11),
    controllerFloor: r(4),
    heartbeat: r(5),
    doorZoneUpper: bit(6, 0),
    doorZoneLower: bit(6, 1),
  };
}

const stateArb: fc.Arbitrary<SimState> = fc
  .record({
    positionMm: fc.double({ min: -2_000_000_000, max: 2_000_000_000, noNaN: true }),
    speedMps: fc.double({ min: -32.7, max: 32.7, noNaN: true }),
    doorClosed: fc.boolean(),
    doorOpen: fc.boolean(),
    doorZoneUpper: fc.boolean(),
    doorZoneLower: fc.boolean(),
    safetyCircuit: fc.boolean(),
    doorLockCircuit: fc.boolean(),
    overspeedSwitch: fc.boolean(),
    passengers: fc.nat(20),
    inspection: fc.boolean(),
    alarmButton: fc.boolean(),
    mainsPower: fc.boolean(),
    topFinalLimit: fc.boolean(),
    bottomFinalLimit: fc.boolean(),
    controllerFloor: fc.nat(200),
    heartbeat: fc.nat(0xffff),
    simMs: fc.nat(),
  })
  .map((s) => ({ ...s, door: s.doorClosed ? 'closed' : 'opening', occupied: s.passengers > 0 }));

describe('generic-modbus-controller register map', () => {
  it('encodes 7 unsigned 16-bit registers that decode back to the state', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const regs = encodeControllerRegisters(s);
        expect(regs).toHaveLength(SIM_REGISTER_COUNT);
        for (const w of regs) expect(Number.isInteger(w) && w >= 0 && w <= 0xffff).toBe(true);
        const d = decode(regs);
        expect(d.positionMm).toBe(Math.round(s.positionMm) + 0); // + 0: no negative zero in a register
        expect(d.speedMmS).toBe(Math.round(s.speedMps * 1000) + 0);
        expect(d).toMatchObject({
          doorClosed: s.doorClosed,
          doorOpen: s.doorOpen,
          doorZone: s.doorZoneUpper && s.doorZoneLower,
          safetyCircuit: s.safetyCircuit,
          doorLockCircuit: s.doorLockCircuit,
          overspeedSwitch: s.overspeedSwitch,
          inspection: s.inspection,
          alarmButton: s.alarmButton,
          occupied: s.occupied,
          mainsPower: s.mainsPower,
          topFinalLimit: s.topFinalLimit,
          bottomFinalLimit: s.bottomFinalLimit,
          controllerFloor: s.controllerFloor,
          heartbeat: s.heartbeat,
          doorZoneUpper: s.doorZoneUpper,
          doorZoneLower: s.doorZoneLower,
        });
        expect(r3Unused(regs)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('discrete inputs mirror the status bits', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const status = encodeControllerRegisters(s)[3]!;
        for (const [n, b] of encodeDiscreteInputs(s).entries()) expect(b).toBe(((status >> n) & 1) === 1);
      }),
    );
  });

  it('encodes a car going down below level 0 and a car standing at floor 5', () => {
    const e = new VirtualElevator({}, 5);
    const at5 = encodeControllerRegisters(e.state());
    expect(at5.slice(0, 3)).toEqual([0, 15_000, 0]);
    expect(at5[3]).toBe(
      (1 << STATUS_BITS.doorClosed) | (1 << STATUS_BITS.doorZone) | (1 << STATUS_BITS.safetyCircuit) | (1 << STATUS_BITS.doorLockCircuit) | (1 << STATUS_BITS.mainsPower),
    );
    expect(at5[4]).toBe(5);
    expect(at5[6]).toBe(0b11);
    const below = encodeControllerRegisters({ ...e.state(), positionMm: -12.4, speedMps: -0.25 });
    expect(below.slice(0, 3)).toEqual([0xffff, 0xfff4, 0xff06]);
  });
});

/** Bits 12–15 of the status register are unused. */
function r3Unused(regs: readonly number[]): number {
  return regs[3]! & 0xf000;
}
