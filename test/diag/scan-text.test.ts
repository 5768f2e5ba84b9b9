import { describe, expect, it } from 'vitest';
import { formatDuration, resolveLang } from '../../src/diag/i18n.js';
import { scanProgress } from '../../src/diag/progress.js';
import type { FoundDevice, ScanEvent } from '../../src/diag/scan.js';
import { deviceLines } from '../../src/diag/scan-text.js';

const port = { kind: 'rtu' as const, path: '/dev/ttyUSB0' };
const setting = { baudRate: 19_200, parity: 'none' as const };

function events(): ScanEvent[] {
  return [
    { kind: 'line', target: port, setting, timeoutMs: 160 },
    { kind: 'probe', done: 1, total: 4, unit: 1, found: 0 },
    { kind: 'found', target: port, setting, unitId: 2 },
    { kind: 'probe', done: 2, total: 4, unit: 2, found: 1 },
    { kind: 'line-done', line: { target: port, setting, timeoutMs: 160, probed: 2, found: [2], heard: 'answers', stoppedEarly: false, late: [] } },
    { kind: 'line', target: port, setting: { baudRate: 9600, parity: 'none' }, timeoutMs: 170 },
    { kind: 'probe', done: 4, total: 4, unit: 2, found: 1 },
    {
      kind: 'line-done',
      line: { target: port, setting: { baudRate: 9600, parity: 'none' }, timeoutMs: 170, probed: 10, found: [], heard: 'silent', stoppedEarly: true, late: [] },
    },
  ];
}

function render(isTTY: boolean, lang: 'en' | 'zh' = 'en'): string {
  let out = '';
  const show = scanProgress({ write: (s: string) => (out += s), isTTY, columns: 120 }, lang, 60_000, () => 0);
  for (const e of events()) show(e);
  return out;
}

describe('what a scan shows while it runs', () => {
  it('not on a terminal: plain lines, no control characters, no bar', () => {
    expect(render(false).split('\n')).toEqual([
      '→ /dev/ttyUSB0 19200 8N1 (160 ms per unit)',
      '  unit 2 answers',
      '→ /dev/ttyUSB0 9600 8N1 (170 ms per unit)',
      '  silent after 10 unit ids: nothing at this setting, next',
      '',
    ]);
  });

  it('on a terminal: a bar redrawn in place under the same lines', () => {
    const out = render(true);
    expect(out).toContain('\r\x1b[2K[██████░░░░░░░░░░░░░░░░░░]  25% /dev/ttyUSB0 19200 8N1 · unit 1 · 0 ✓ · 0 s / ≤ 1 min');
    expect(out).toContain('[████████████████████████] 100%');
    // The line is printed on a cleared row, then the bar comes back under it.
    expect(out).toContain('\r\x1b[2K  unit 2 answers\n[');
  });

  it('in Chinese with --lang zh', () => {
    expect(render(false, 'zh')).toContain('  前 10 个站号毫无回应：此设置下没有设备，跳过');
  });
});

describe('the lines for a device found', () => {
  const device = (best: string | null): FoundDevice => ({
    target: port,
    unitId: 17,
    setting,
    otherParities: ['even'],
    anyUnit: false,
    answer: 'registers',
    match: {
      best,
      fits: best ? [best, 'rs485-di-module'] : [],
      verdicts: [{ profile: 'generic-modbus-controller', fits: false, why: { kind: 'heartbeat-frozen', point: 'heartbeat', value: 7, afterMs: 1200 } }],
    },
  });

  it('names the profile it fits best and the others it also fits', () => {
    expect(deviceLines(device('generic-modbus-controller'), 'en')).toEqual([
      "✓ unit 17 on /dev/ttyUSB0 19200 8N1 (also answers at 19200 8E1: parity goes unchecked, take the device's documented one): generic-modbus-controller — also fits rs485-di-module",
    ]);
  });

  it('says why no profile fits, profile by profile, in either language', () => {
    expect(deviceLines(device(null), 'en')[1]).toBe('    generic-modbus-controller: heartbeat stayed 7 for 1.2 s (no running controller)');
    expect(deviceLines(device(null), 'zh')).toEqual([
      '? 站号 17，/dev/ttyUSB0 19200 8N1（在 19200 8E1 下也有应答：校验位未被检查，请以设备说明书为准）：没有匹配的板卡配置',
      '    generic-modbus-controller：heartbeat 在 1.2 秒内保持 7 不变（不是运行中的控制器）',
    ]);
  });
});

describe('--lang and $LANG', () => {
  it('--lang wins; without it, zh when LANG starts with zh, else en', () => {
    expect(resolveLang('ZH', { LANG: 'en_US.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, { LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(resolveLang(undefined, { LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(resolveLang(undefined, {})).toBe('en');
    expect(() => resolveLang('fr')).toThrow(/--lang: expected zh or en, got "fr"/);
  });

  it('durations read as a person says them', () => {
    expect([formatDuration(200_000, 'en'), formatDuration(200_000, 'zh'), formatDuration(59_001, 'en'), formatDuration(120_000, 'zh')]).toEqual([
      '3 min 20 s',
      '3 分 20 秒',
      '1 min',
      '2 分',
    ]);
  });
});
