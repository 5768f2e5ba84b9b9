import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { join } from 'node:path';
import { decodeGroup, planReads } from '../../drivers/modbus/plan.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile, loadConfig } from '../../src/config/load.js';
import { isElevgwError } from '../../src/core/errors.js';
import { encodeControllerRegisters } from '../../src/sim/modbus-map.js';
import type { SimState } from '../../src/sim/state.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';
import { tempDir } from '../helpers/tmp.js';

const board = (id: string) => loadBoardFile(join(BUILTIN_BOARDS_DIR, `${id}.yaml`)) as ModbusBoardProfile;
const generic = board('generic-modbus-controller');
const diModule = board('rs485-di-module');

const state = fc.record<SimState>({
  simMs: fc.constant(0),
  positionMm: fc.integer({ min: -200, max: 300_000 }),
  speedMps: fc.integer({ min: -8000, max: 8000 }).map((mm) => mm / 1000),
  door: fc.constantFrom('closed', 'opening', 'open', 'closing'),
  doorClosed: fc.boolean(),
  doorOpen: fc.boolean(),
  doorZoneUpper: fc.boolean(),
  doorZoneLower: fc.boolean(),
  safetyCircuit: fc.boolean(),
  doorLockCircuit: fc.boolean(),
  overspeedSwitch: fc.boolean(),
  passengers: fc.nat(10),
  occupied: fc.boolean(),
  inspection: fc.boolean(),
  alarmButton: fc.boolean(),
  mainsPower: fc.boolean(),
  topFinalLimit: fc.boolean(),
  bottomFinalLimit: fc.boolean(),
  controllerFloor: fc.nat(60),
  heartbeat: fc.nat(0xffff),
});

describe('boards/generic-modbus-controller.yaml', () => {
  it('reads its map in one transaction of holding registers 0–5, over either transport', () => {
    expect(generic.transport).toBe('modbus');
    expect(planReads(generic.points)).toEqual([{ table: 'holding', address: 0, count: 6 }]);
    expect(generic.writable).toEqual([]);
  });

  it('decodes exactly what the simulator encodes', () => {
    fc.assert(
      fc.property(state, (s) => {
        const words = encodeControllerRegisters(s).slice(0, 6);
        const v = Object.fromEntries(decodeGroup(generic.points, [{ block: { table: 'holding', address: 0, count: 6 }, words }], 0).map((p) => [p.point, p.value]));
        expect(v).toEqual({
          position: s.positionMm,
          speed: Math.round(s.speedMps * 1000),
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
          floor: s.controllerFloor,
          heartbeat: s.heartbeat,
        });
      }),
    );
  });

  it('agrees with sim-modbus on every register they share', () => {
    const sim = board('sim-modbus');
    for (const p of generic.points.filter((x) => x.name !== 'doorZone')) {
      expect(sim.points.find((q) => q.name === p.name)?.source, p.name).toEqual(p.source);
    }
  });
});

describe('boards/rs485-di-module.yaml', () => {
  it('reads discrete inputs 0–7 in one FC2 transaction', () => {
    expect(diModule.transport).toBe('modbus-rtu');
    expect(planReads(diModule.points)).toEqual([{ table: 'discrete', address: 0, count: 8 }]);
  });

  it('reads the normally-closed contacts inverted: a dead input means presence, inspection, mains loss and an open safety chain', () => {
    const n = new SignalNormalizer(diModule, { floorLevelsMm: [0, 3000], stationaryMps: 0.05, staleAfterMs: 1000 });
    const read = (bits: boolean[]) => n.update(decodeGroup(diModule.points, [{ block: { table: 'discrete', address: 0, count: 8 }, bits }], 0));
    read([false, false, false, false, false, false, false, false]);
    let s = n.snapshot(0);
    expect([s.occupied?.value, s.inspection?.value, s.mainsPower?.value, s.safetyCircuit?.value, s.alarmButton?.value]).toEqual([true, true, false, false, false]);
    // Normal service: door closed in zone, nobody in the car, normal mode, mains fine, safety chain closed.
    read([true, true, true, true, false, true, true, true]);
    s = n.snapshot(0);
    expect(s).toMatchObject({
      door: { value: 'closed' },
      doorZone: { value: true },
      occupied: { value: false },
      alarmButton: { value: false },
      inspection: { value: false },
      mainsPower: { value: true },
      safetyCircuit: { value: true },
    });
  });
});

describe('transport "modbus": the connection decides', () => {
  const tmp = tempDir('elevgw-boards-');
  afterAll(() => tmp.cleanup());
  const site = (boardId: string, connection: string) =>
    tmp.file(
      `${boardId}-${Math.random().toString(36).slice(2)}.yaml`,
      `version: 1
gateway: { id: gw }
elevators:
  - { id: E1, registrationCode: "31104201002026110001", rescueCode: "R1", board: ${boardId}, connection: ${connection}, ratedSpeedMps: 1, floors: [{ label: "1", levelMm: 0 }, { label: "2", levelMm: 3000 }] }
uplink: { url: "mqtt://127.0.0.1:1883" }
`,
    );
  const problems = (file: string): string => {
    try {
      loadConfig(file);
      return '';
    } catch (e) {
      if (!isElevgwError(e, 'CONFIG_INVALID')) throw e;
      return e.message;
    }
  };

  it('accepts the generic controller over TCP and over RTU', () => {
    expect(problems(site('generic-modbus-controller', '{ host: 10.0.0.5, port: 502, unitId: 1 }'))).toBe('');
    const rtu = loadConfig(site('generic-modbus-controller', '{ path: /dev/elevgw-rs485, baudRate: 19200 }'));
    expect(rtu.elevators[0]!.config.connection).toEqual({ path: '/dev/elevgw-rs485', baudRate: 19200, parity: 'none', unitId: 1 });
  });

  it('still holds single-transport boards to their transport', () => {
    expect(problems(site('rs485-di-module', '{ host: 10.0.0.5 }'))).toMatch(/uses modbus-rtu/);
    expect(problems(site('sim-modbus', '{ path: /dev/ttyUSB0 }'))).toMatch(/uses modbus-tcp/);
  });
});
