import { afterTurns } from '../helpers/turns.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/clock.js';
import fc from 'fast-check';
import { join } from 'node:path';
import { SerialPortMock } from 'serialport';
import { FrameDecoder } from '../../drivers/serial/decoder.js';
import { crc16Modbus } from '../../drivers/serial/checksum.js';
import { readField } from '../../drivers/serial/fields.js';
import { mockBinding, type SerialPortFactory } from '../../drivers/kernel/serial-port.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { VirtualElevator } from '../../src/sim/elevator.js';
import { SensorboxTransmitter } from '../../src/sim/serial-sensorbox-server.js';
import { encodeSensorboxFrame, SENSORBOX, SENSORBOX_FLAGS } from '../../src/sim/serial-sensorbox.js';
import type { SimState } from '../../src/sim/state.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'), 'serial-framed');
const base = new VirtualElevator().state();

/** What the gateway reads from a frame through the shipped profile, by signal. */
function readThroughProfile(frame: Buffer): Record<string, number | boolean | undefined> {
  const { payloads } = new FrameDecoder(board.framing).push(frame);
  expect(payloads).toHaveLength(1);
  return Object.fromEntries(board.points.map((p) => [p.signal ?? p.name, readField(payloads[0]!, p.source)]));
}

const stateArb = fc.record({
  positionMm: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  speedMps: fc.integer({ min: -32_768, max: 32_767 }).map((mm) => mm / 1000),
  heartbeat: fc.integer({ min: 0, max: 0xffff }),
  ...Object.fromEntries(Object.keys(SENSORBOX_FLAGS).map((k) => [k, fc.boolean()])),
}) as fc.Arbitrary<Partial<SimState>>;

describe('serial-sensorbox protocol: the simulator and boards/serial-sensorbox.yaml agree', () => {
  it('has the documented layout: AA 55 0A 01 … CRC-16/MODBUS low byte first, 15 bytes', () => {
    const f = encodeSensorboxFrame({ ...base, positionMm: 0x01020304, speedMps: -0.002 });
    expect(f).toHaveLength(SENSORBOX.frameLength);
    expect([...f.subarray(0, 10)]).toEqual([0xaa, 0x55, 0x0a, 0x01, 0x01, 0x02, 0x03, 0x04, 0xff, 0xfe]);
    const crc = crc16Modbus(f.subarray(0, 13));
    expect([f[13], f[14]]).toEqual([crc & 0xff, crc >> 8]);
  });

  it('encodes the example frame of docs/serial-sensorbox.md byte for byte', () => {
    const standing: SimState = {
      ...base,
      positionMm: 3000,
      speedMps: 0,
      doorClosed: true,
      doorOpen: false,
      doorZoneUpper: true,
      doorZoneLower: true,
      safetyCircuit: true,
      doorLockCircuit: true,
      overspeedSwitch: false,
      occupied: false,
      inspection: false,
      alarmButton: false,
      mainsPower: true,
      topFinalLimit: false,
      bottomFinalLimit: false,
      heartbeat: 7,
    };
    expect(encodeSensorboxFrame(standing).toString('hex')).toBe('aa550a0100000bb80000043d0796ba');
  });

  it('every state the simulator encodes reads back through the profile', () => {
    fc.assert(
      fc.property(stateArb, (partial) => {
        const s = { ...base, ...partial };
        const read = readThroughProfile(encodeSensorboxFrame(s));
        expect(read.positionMm).toBe(s.positionMm);
        expect(read.speedMps).toBe(Math.round(s.speedMps * 1000));
        expect(read.heartbeat).toBe(s.heartbeat & 0xff);
        for (const flag of Object.keys(SENSORBOX_FLAGS) as (keyof typeof SENSORBOX_FLAGS)[]) expect(read[flag]).toBe(s[flag]);
      }),
    );
  });

  it('maps every flag of the protocol to a profile point', () => {
    const signals = new Set(board.points.map((p) => p.signal));
    for (const flag of Object.keys(SENSORBOX_FLAGS)) expect(signals.has(flag as never)).toBe(true);
  });
});

describe('the simulator as a serial sensor box', () => {
  let tx: SensorboxTransmitter | undefined;
  afterEach(async () => {
    await tx?.stop();
    mockBinding.reset();
  });

  it('pushes frames of the current state to a serial port, and writes nothing when stopped', async () => {
    mockBinding.reset();
    mockBinding.createPort('/dev/sim', { echo: false, record: true });
    const opened: SerialPortMock[] = [];
    const ports: SerialPortFactory = (s) => {
      const p = new SerialPortMock({ ...s, autoOpen: false });
      opened.push(p);
      return p;
    };
    const clock = new FakeClock(0);
    tx = new SensorboxTransmitter({ path: '/dev/sim', baudRate: 115200, periodMs: 5, ports, state: () => ({ ...base, positionMm: 4321 }), timers: clock });
    await tx.start();
    clock.advance(15); // three periods: three frames
    await afterTurns(() => expect(opened[0]!.port!.recording.length).toBe(3 * SENSORBOX.frameLength));
    const { payloads, checksumErrors } = new FrameDecoder(board.framing).push(opened[0]!.port!.recording);
    expect(checksumErrors).toBe(0);
    expect(payloads.length).toBeGreaterThanOrEqual(3);
    expect(readField(payloads[0]!, board.points.find((p) => p.name === 'position')!.source)).toBe(4321);
  });

  it('refuses to start on a path that cannot be opened', async () => {
    mockBinding.reset();
    const t = new SensorboxTransmitter({ path: '/dev/none', baudRate: 115200, periodMs: 50, ports: (s) => new SerialPortMock({ ...s, autoOpen: false }), state: () => base });
    await expect(t.start()).rejects.toThrow(/does not exist/);
  });
});
