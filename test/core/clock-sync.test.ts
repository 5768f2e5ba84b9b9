import { describe, expect, it } from 'vitest';
import { clockSynced, type ClockEvidence } from '../../src/core/clock-sync.js';

/**
 * `clockSynced` claims a synchronised clock only on evidence — timesyncd's marker, chrony's leap
 * status, or the operator's word — never from the date alone: a Pi without RTC boots with a stale
 * but plausible time.
 */

const NOW = Date.UTC(2026, 11, 1, 12);

function evidence(o: { env?: Record<string, string>; files?: string[]; leap?: string } = {}): ClockEvidence & { asked: number } {
  const e = {
    asked: 0,
    env: (n: string) => o.env?.[n],
    exists: (p: string) => (o.files ?? []).includes(p),
    chronyLeap: () => {
      e.asked++;
      return o.leap;
    },
  };
  return e;
}

describe('clockSynced', () => {
  it('is false with no evidence, however plausible the date (no date heuristic)', () => {
    expect(clockSynced(NOW, evidence())).toBe(false);
    expect(clockSynced(Date.UTC(2030, 0, 1), evidence())).toBe(false);
  });

  it('is true once systemd-timesyncd has marked a synchronisation', () => {
    expect(clockSynced(NOW, evidence({ files: ['/run/systemd/timesync/synchronized'] }))).toBe(true);
    expect(clockSynced(NOW, evidence({ files: ['/run/systemd/timesync'] }))).toBe(false);
  });

  it("follows chrony's leap status when chronyd runs, and asks it only then", () => {
    const running = ['/run/chrony'];
    expect(clockSynced(NOW, evidence({ files: running, leap: 'Normal' }))).toBe(true);
    expect(clockSynced(NOW, evidence({ files: running, leap: 'Not synchronised' }))).toBe(false);
    expect(clockSynced(NOW, evidence({ files: running }))).toBe(false); // no answer yet
    const absent = evidence({ leap: 'Normal' });
    expect(clockSynced(NOW, absent)).toBe(false);
    expect(absent.asked).toBe(0);
  });

  it('takes the operator at their word (ELEVGW_CLOCK_SYNCED), but never for a clock before 2026', () => {
    expect(clockSynced(NOW, evidence({ env: { ELEVGW_CLOCK_SYNCED: '1' } }))).toBe(true);
    expect(clockSynced(NOW, evidence({ env: { ELEVGW_CLOCK_SYNCED: '0' }, files: ['/run/systemd/timesync/synchronized'] }))).toBe(false);
    expect(clockSynced(Date.UTC(2025, 5, 1), evidence({ env: { ELEVGW_CLOCK_SYNCED: '1' }, files: ['/run/systemd/timesync/synchronized'] }))).toBe(false);
  });
});
