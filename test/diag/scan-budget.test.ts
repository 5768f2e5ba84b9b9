import { describe, expect, it } from 'vitest';
import { BUILTIN_BOARDS_DIR, loadBoards } from '../../src/config/load.js';
import { FakeClock } from '../../src/core/clock.js';
import { matchReadsPerDevice, modbusProfiles } from '../../src/diag/profile-match.js';
import { scan } from '../../src/diag/scan.js';
import { scanBudget } from '../../src/diag/scan-budget.js';
import { openLines } from '../../src/diag/scan-line.js';
import { DEFAULT_BAUDS, DEFAULT_PARITIES, DEFAULT_UNITS, lineSettings, parseBauds, parseParities, parseUnits, probeTimeoutMs } from '../../src/diag/scan-settings.js';
import { announceLine } from '../../src/diag/scan-text.js';
import { FakeBus } from './fake-bus.js';

const profiles = modbusProfiles([...loadBoards([BUILTIN_BOARDS_DIR]).values()].map((b) => b.profile));
const defaults = { units: parseUnits(DEFAULT_UNITS), settings: lineSettings(parseBauds(DEFAULT_BAUDS), parseParities(DEFAULT_PARITIES)) };

describe('the time budget diag scan announces', () => {
  it('for the full default range on one port: 247 units × 5 bauds × 2 parities, up to 6 min 53 s', () => {
    const budget = scanBudget({ serialPorts: 1, tcpHosts: 0, units: 247, settings: defaults.settings, matchReads: matchReadsPerDevice(profiles) });
    const port = [{ kind: 'rtu' as const, path: '/dev/ttyUSB0' }];
    expect(announceLine('en', port, 247, defaults.settings, budget)).toBe(
      'Scanning /dev/ttyUSB0: up to 6 min 53 s (247 units × 5 bauds × 2 parities, stopping early on a silent line), plus up to 5 s per device found',
    );
    expect(announceLine('zh', port, 247, defaults.settings, budget)).toBe(
      '扫描 /dev/ttyUSB0：最长 6 分 53 秒（247 个站号 × 5 种波特率 × 2 种校验，线路静默时提前结束），每找到一台设备另加最多 5 秒',
    );
    expect(budget.probes).toBe(2470);
  });

  it('for a Modbus TCP host: 247 unit ids at 500 ms, up to 2 min 5 s', () => {
    const budget = scanBudget({ serialPorts: 0, tcpHosts: 1, units: 247, settings: defaults.settings, matchReads: matchReadsPerDevice(profiles) });
    expect(announceLine('en', [{ kind: 'tcp', host: '192.168.1.20', port: 502 }], 247, defaults.settings, budget)).toBe(
      'Scanning 192.168.1.20:502: up to 2 min 5 s (247 units), plus up to 10 s per device found',
    );
  });

  it('per-unit timeouts follow the baud rate and parity: wire time of a probe and its answer, t3.5, 150 ms to answer', () => {
    expect(defaults.settings.map((s) => [s.baudRate, s.parity, probeTimeoutMs(s)])).toEqual([
      [9600, 'none', 170],
      [9600, 'even', 172],
      [19_200, 'none', 160],
      [19_200, 'even', 161],
      [38_400, 'none', 156],
      [38_400, 'even', 157],
      [57_600, 'none', 155],
      [57_600, 'even', 155],
      [115_200, 'none', 154],
      [115_200, 'even', 154],
    ]);
  });

  it('bounds the worst case: a line noisy at every setting (no early stop, every id timing out) takes less, in sample time', async () => {
    const clock = new FakeClock();
    const units = parseUnits('1-12');
    const budget = scanBudget({ serialPorts: 1, tcpHosts: 0, units: units.length, settings: defaults.settings, matchReads: matchReadsPerDevice(profiles) });
    let settled = false;
    const p = scan({
      targets: [{ kind: 'rtu', path: '/dev/fake' }],
      units,
      settings: defaults.settings,
      profiles,
      open: openLines({ openSerial: new FakeBus([], { noiseAt: 'everywhere' }).factory, io: clock }),
      io: clock,
    }).finally(() => (settled = true));
    while (!settled) await clock.advanceAsync(1);
    const r = await p;
    expect(r.lines.every((l) => l.heard === 'garbage' && !l.stoppedEarly)).toBe(true);
    expect(r.probes).toBe(budget.probes);
    expect(clock.now()).toBeLessThanOrEqual(budget.searchMs);
    expect(clock.now()).toBeGreaterThan(budget.searchMs * 0.9); // a budget, not a wild guess
  });

  it('reads --units, --bauds and --parity as a technician writes them, and refuses what is not', () => {
    expect(parseUnits('1-3,17,2')).toEqual([1, 2, 3, 17]);
    expect(parseParities('N,e')).toEqual(['none', 'even']);
    expect(() => parseUnits('0-5')).toThrow(/unit ids are 1–247/);
    expect(() => parseUnits('10-2')).toThrow(/runs backwards/);
    expect(() => parseBauds('9600,fast')).toThrow(/"fast" is not a baud rate/);
    expect(() => parseParities('mark')).toThrow(/"mark" is not none, even or odd/);
  });
});
