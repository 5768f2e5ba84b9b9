import { describe, expect, it } from 'vitest';
import { BUILTIN_BOARDS_DIR, loadBoards } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { modbusError } from '../../drivers/modbus/errors.js';
import { readRequest } from '../../drivers/modbus/rtu-frame.js';
import { parseRequest } from '../../drivers/modbus/rtu-request.js';
import { modbusProfiles } from '../../src/diag/profile-match.js';
import { type ScanOptions, scan } from '../../src/diag/scan.js';
import { LineUnavailable, openLines, type ScanLine } from '../../src/diag/scan-line.js';
import { lineSettings, SILENT_AFTER_UNITS } from '../../src/diag/scan-settings.js';
import { FakeBus, type FakeSlave } from './fake-bus.js';

/**
 * The scan on sample time: the real RTU port and framing over an in-memory bus (fake-bus.ts)
 * whose slaves answer only at their own line settings, on a FakeClock, so timeouts, the early
 * stop and the heartbeat wait cost no real time.
 */
const profiles = modbusProfiles([...loadBoards([BUILTIN_BOARDS_DIR]).values()].map((b) => b.profile));
const units = Array.from({ length: 20 }, (_, i) => i + 1);
const settings = lineSettings([9600, 19_200], ['none', 'even']);

function controller(clock: FakeClock, unit: number, baudRate: number, parity: FakeSlave['parity']): FakeSlave {
  // The generic map: 6.003 m, standing, doors closed + safety + lock + mains, floor 2, a heartbeat counting seconds.
  return { unit, baudRate, parity, holding: () => [0, 6003, 0, 0b10_0001_1001, 2, Math.floor(clock.now() / 1000)], discrete: () => Array(8).fill(false) };
}

async function drive<T>(clock: FakeClock, p: Promise<T>): Promise<T> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) await clock.advanceAsync(5);
  return p;
}

function run(clock: FakeClock, bus: FakeBus, o: Partial<ScanOptions> = {}) {
  return drive(clock, scan({ targets: [{ kind: 'rtu', path: '/dev/fake' }], units, settings, profiles, open: openLines({ openSerial: bus.factory, io: clock }), io: clock, ...o }));
}

describe('diag scan over an in-memory bus on sample time', () => {
  it('finds controllers at their own setting only, gives up each silent setting after ten ids, and sends nothing but reads', async () => {
    const clock = new FakeClock();
    const bus = new FakeBus([controller(clock, 4, 19_200, 'even'), controller(clock, 17, 19_200, 'even')]);
    const r = await run(clock, bus);
    expect(r.devices.map((d) => ({ unit: d.unitId, setting: d.setting, profile: d.match.best }))).toEqual([
      { unit: 4, setting: { baudRate: 19_200, parity: 'even' }, profile: 'generic-modbus-controller' },
      { unit: 17, setting: { baudRate: 19_200, parity: 'even' }, profile: 'generic-modbus-controller' },
    ]);
    expect(r.lines.map((l) => [l.setting?.baudRate, l.setting?.parity, l.heard, l.probed, l.stoppedEarly])).toEqual([
      [9600, 'none', 'silent', SILENT_AFTER_UNITS, true],
      [9600, 'even', 'silent', SILENT_AFTER_UNITS, true],
      [19_200, 'none', 'silent', SILENT_AFTER_UNITS, true],
      [19_200, 'even', 'answers', 20, false],
    ]);
    expect(r.probes).toBe(50);
    const codes = bus.sent.map((s) => {
      const m = parseRequest(s.frame);
      return m.kind === 'request' ? m.fc : -1;
    });
    expect(codes.length).toBeGreaterThan(50); // the probes and the profile reads
    expect(new Set(codes)).toEqual(new Set([2, 3])); // FC3 probes and register maps, FC2 for the DI profile: never a write
  });

  it('garbage is not silence: a setting that brings back bytes but no answer is scanned to its last id', async () => {
    const clock = new FakeClock();
    const r = await run(clock, new FakeBus([], { noiseAt: { baudRate: 9600, parity: 'none' } }));
    expect(r.lines[0]).toMatchObject({ heard: 'garbage', probed: 20, stoppedEarly: false });
    expect(r.lines.slice(1).every((l) => l.heard === 'silent' && l.stoppedEarly)).toBe(true);
    expect(r.devices).toEqual([]);
  });

  it('an adapter that hears its own requests (local echo) is still a silent line', async () => {
    const clock = new FakeClock();
    const r = await run(clock, new FakeBus([], { echo: true }));
    expect(r.lines.every((l) => l.heard === 'silent' && l.stoppedEarly && l.probed === SILENT_AFTER_UNITS)).toBe(true);
  });

  it('with fewer ids than the early-stop count, every id is tried', async () => {
    const clock = new FakeClock();
    const r = await run(clock, new FakeBus([]), { units: [1, 2, 3, 4, 5] });
    expect(r.lines.map((l) => [l.probed, l.stoppedEarly])).toEqual(settings.map(() => [5, false]));
  });

  it('a device that answers at both parities is one device, matched once, with the other parity noted', async () => {
    const clock = new FakeClock();
    const bus = new FakeBus([controller(clock, 3, 9600, 'none'), controller(clock, 3, 9600, 'even')]);
    const r = await run(clock, bus);
    expect(r.devices).toHaveLength(1);
    expect(r.devices[0]).toMatchObject({ unitId: 3, setting: { baudRate: 9600, parity: 'none' }, otherParities: ['even'] });
    const mapReads = bus.sent.filter((s) => s.frame.equals(readRequest(3, 3, 0, 6)));
    expect(mapReads).toHaveLength(1); // the generic map read once, not per parity
  });

  it('a Modbus TCP device answering every unit id is one device, not 20', async () => {
    const clock = new FakeClock();
    const regs = () => [0, 6003, 0, 0b10_0001_1001, 2, Math.floor(clock.now() / 1000)];
    const line: ScanLine = {
      read: async (_unit, block) => {
        if (block.table !== 'holding') return { block, bits: Array(block.count).fill(false) };
        if (block.address + block.count > 6) throw modbusError('MODBUS_EXCEPTION', 'exception 2', 2);
        return { block, words: regs().slice(block.address, block.address + block.count) };
      },
      heard: () => undefined,
      answersHeard: () => [],
      close: async () => undefined,
    };
    const r = await drive(clock, scan({ targets: [{ kind: 'tcp', host: 'plc', port: 502 }], units, settings, profiles, open: async () => line, io: clock }));
    expect(r.devices.map((d) => [d.unitId, d.anyUnit, d.match.best])).toEqual([[1, true, 'generic-modbus-controller']]);
    expect(r.lines[0]).toMatchObject({ heard: 'answers', probed: 20, stoppedEarly: false });
  });

  it('a port that goes away mid-scan ends the scan as unreachable, not as a Modbus error', async () => {
    const clock = new FakeClock();
    const line: ScanLine = {
      read: () => Promise.reject(modbusError('MODBUS_IO', '/dev/fake: Disconnected')),
      heard: () => 0,
      answersHeard: () => [],
      close: async () => undefined,
    };
    const failed = await drive(clock, scan({ targets: [{ kind: 'rtu', path: '/dev/fake' }], units, settings, profiles, open: async () => line, io: clock })).catch(
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(LineUnavailable);
    expect(failed).toMatchObject({ code: 'DIAG_UNREACHABLE', why: 'lost' });
  });
});
