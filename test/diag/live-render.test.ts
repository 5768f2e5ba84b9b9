import { describe, expect, it } from 'vitest';
import { FaultAges, type LiveFrame, staleFrame } from '../../src/diag/live/frame.js';
import { plainLine, renderScreen } from '../../src/diag/live/render.js';
import { drawShaft } from '../../src/diag/live/shaft.js';
import { columns } from '../../src/diag/live/width.js';

const floors = Array.from({ length: 10 }, (_, i) => ({ label: i === 0 ? 'B1' : String(i), levelMm: i * 3000 }));
const NOW = Date.UTC(2026, 11, 2, 3, 15, 44);

function frame(signals: LiveFrame['signals'], more: Partial<LiveFrame> = {}): LiveFrame {
  return {
    source: 'service',
    at: NOW,
    elevator: { id: 'E1', board: 'generic-modbus-controller', floors, ratedSpeedMps: 1.75 },
    signals,
    driver: { state: 'ok', transactionsPerS: 9.8, errorsByCode: { MODBUS_TIMEOUT: 3 } },
    outbox: { pending: 2, oldestPendingAgeS: 5 },
    faults: [{ type: 'trapped', sinceMs: NOW - 12_000, atLeast: false }],
    gateway: { id: 'gw01', version: '0.1.0', uptimeS: 100 },
    ...more,
  };
}

const moving = {
  positionMm: 13_340,
  speedMps: 1.75,
  direction: 'up',
  door: 'closed',
  doorZone: false,
  doorLockCircuit: true,
  safetyCircuit: true,
  occupied: true,
  alarmButton: false,
  inspection: false,
  mainsPower: true,
};
const carRow = (lines: string[]) => lines.findIndex((l) => /\[[▲▼■]\]/.test(l));

describe('diag live: the picture of the shaft', () => {
  it('fits a plain 80×24 SSH terminal exactly: 24 lines, none wider than 80 columns (a redraw never scrolls)', () => {
    for (const lang of ['en', 'zh'] as const) {
      const lines = renderScreen(frame(moving), { lang, width: 80, height: 24, nowMs: NOW, note: 'a long note '.repeat(20) });
      expect(lines).toHaveLength(24);
      expect(lines.map(columns).filter((c) => c > 80)).toEqual([]);
    }
  });

  it('puts the car between the landings its position lies between, with its direction, and names them', () => {
    const lines = renderScreen(frame(moving), { lang: 'en', width: 100, height: 40, nowMs: NOW });
    const row = carRow(lines);
    const landingRow = (label: string) => lines.findIndex((l) => l.startsWith(label.padEnd(4)));
    expect(lines[row]).toContain('[▲]');
    expect(row).toBeLessThan(landingRow('4')); // above 4 (12 000 mm) …
    expect(row).toBeGreaterThan(landingRow('5')); // … below 5 (15 000 mm)
    const text = lines.join('\n');
    expect(text).toMatch(/position\s+13340 mm · between 4 and 5, 1340 mm above 4/);
    expect(text).toMatch(/speed\s+▲ 1\.75 m\/s · rated 1\.75 m\/s/);
    expect(text).toMatch(/faults\s+trapped 12 s/);
    expect(text).toMatch(/driver\s+ok · 9\.8 tx\/s/);
    expect(text).toMatch(/errors\s+MODBUS_TIMEOUT 3/);
    expect(text).toMatch(/outbox\s+2 pending · oldest 5 s/);
  });

  it('draws a bad reading as ? and no car at all when the position is unknown, never an old value', () => {
    const lines = renderScreen(frame({ ...moving, positionMm: null, speedMps: null, door: null }), { lang: 'en', width: 100, height: 40, nowMs: NOW });
    expect(carRow(lines)).toBe(-1);
    const text = lines.join('\n');
    expect(text).toMatch(/position\s+\?$/m);
    expect(text).toMatch(/speed\s+\? · rated/);
    expect(text).toMatch(/door\s+\?$/m);
    expect(text).toMatch(/lock circuit\s+closed/);
  });

  it('going down: the arrow points down, the car is drawn ▼ and the speed is shown without its sign', () => {
    const lines = renderScreen(frame({ ...moving, speedMps: -1.2, direction: 'down' }), { lang: 'en', width: 100, height: 40, nowMs: NOW });
    expect(lines[carRow(lines)]).toContain('[▼]');
    expect(lines.join('\n')).toMatch(/speed\s+▼ 1\.20 m\/s/);
  });

  it('a board without a signal shows —, not ?', () => {
    const { alarmButton: _a, ...noAlarm } = moving;
    expect(renderScreen(frame(noAlarm), { lang: 'en', width: 100, height: 40, nowMs: NOW }).join('\n')).toMatch(/alarm\s+—/);
  });

  it('names the polls missed because the controller answers slower than the poll period, within 80 columns', () => {
    const lines = renderScreen(frame(moving, { driver: { state: 'ok', transactionsPerS: 3.3, errorsByCode: {}, missedPolls: 1234 } }), {
      lang: 'en',
      width: 80,
      height: 24,
      nowMs: NOW,
    });
    expect(lines.join('\n')).toMatch(/driver\s+ok · 3\.3 tx\/s · 1234 polls missed/);
    expect(lines.map(columns).filter((c) => c > 80)).toEqual([]);
    const none = renderScreen(frame(moving), { lang: 'en', width: 80, height: 24, nowMs: NOW }).join('\n');
    expect(none).not.toMatch(/missed/);
  });

  it('a silent service makes every value, the driver, the outbox and the faults unknown', () => {
    const text = renderScreen(staleFrame(frame(moving), NOW - 5000, NOW), { lang: 'en', width: 100, height: 40, nowMs: NOW }).join('\n');
    for (const label of ['position', 'door', 'mains', 'faults', 'driver', 'outbox']) expect(text).toMatch(new RegExp(`${label}\\s+\\?`));
    expect(text).not.toMatch(/13340|\[▲\]|trapped/);
  });

  it('speaks Chinese with the columns still aligned', () => {
    const lines = renderScreen(frame(moving), { lang: 'zh', width: 80, height: 24, nowMs: NOW });
    const text = lines.join('\n');
    expect(text).toMatch(/位置\s+13340 mm · 在 4 与 5 之间/);
    expect(text).toMatch(/门\s+关/);
    const panelStart = lines.filter((l) => /位置|速度|安全回路/.test(l)).map((l) => columns(l.slice(0, l.search(/位置|速度|安全回路/))));
    expect(new Set(panelStart).size).toBe(1);
  });

  it('not on a terminal: one line per frame with the same facts', () => {
    const line = plainLine(frame(moving), 'en', NOW);
    expect(line).toMatch(/^2026-12-02T03:15:44\.000Z E1 position 13340 mm/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('\x1b');
  });
});

describe('diag live: the shaft scale and the fault ages', () => {
  it('scales unequal floors to unequal gaps and keeps the bottom and top labels when rows are short', () => {
    const uneven = [
      { label: 'B1', levelMm: 0 },
      { label: '1', levelMm: 4500 },
      { label: '2', levelMm: 7500 },
      { label: '3', levelMm: 10_500 },
    ];
    const rows = drawShaft(uneven, 0, 'none', 8);
    const at = (label: string) => rows.findIndex((r) => r.startsWith(label.padEnd(4)));
    expect(at('3')).toBe(0);
    expect(at('B1')).toBe(7);
    expect(at('B1') - at('1')).toBeGreaterThan(at('2') - at('3'));
    expect(rows[7]).toContain('[■]');
    const crowded = drawShaft(
      Array.from({ length: 30 }, (_, i) => ({ label: `F${i}`, levelMm: i * 3000 })),
      45_000,
      'down',
      10,
    );
    expect(crowded[0]).toMatch(/^F29 /);
    expect(crowded[9]).toMatch(/^F0 /);
    expect(crowded.join('\n')).toContain('F15'); // the car's landing keeps its label
  });

  it('ages a fault from its raised event, or from when it was first seen (≥) if it was active before', () => {
    const ages = new FaultAges();
    ages.raised('power-loss', 1000);
    expect(ages.active(['power-loss', 'trapped'], 5000)).toEqual([
      { type: 'power-loss', sinceMs: 1000, atLeast: false },
      { type: 'trapped', sinceMs: 5000, atLeast: true },
    ]);
    expect(ages.active(['trapped'], 9000)).toEqual([{ type: 'trapped', sinceMs: 5000, atLeast: true }]);
    expect(ages.active(['power-loss'], 9000)).toEqual([{ type: 'power-loss', sinceMs: 9000, atLeast: true }]); // cleared, then back: a new episode
  });
});
