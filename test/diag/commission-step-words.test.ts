import { describe, expect, it } from 'vitest';
import { SessionRecorder } from '../../src/diag/commission/recorder.js';
import { stepTexts } from '../../src/diag/commission/step-texts.js';
import { watcherFor } from '../../src/diag/commission/steps.js';
import type { LiveFrame } from '../../src/diag/live/frame.js';

// docs/diagnostics.md: "The lines meant for people are in Chinese or English". `commission --lang zh`
// showed (and recorded in its report) "门 closed → opening → open" and "检修 off → on".
const floors = [
  { label: 'B1', levelMm: 0 },
  { label: '1', levelMm: 3000 },
];
const frame = (signals: LiveFrame['signals']): LiveFrame => ({
  source: 'service',
  at: 0,
  elevator: { id: 'E1', board: 'b', floors, ratedSpeedMps: 1 },
  signals,
  driver: null,
  outbox: null,
  faults: [],
});
const at = { positionMm: 0, speedMps: 0, doorZone: true, door: 'closed', inspection: false, alarmButton: false, mainsPower: true };

describe('commission --lang zh: what a step saw, in Chinese', () => {
  it('the doors and inspection steps say what they saw in Chinese', () => {
    const rec = new SessionRecorder(floors, 0.05);
    const doors = watcherFor('doors', { floors, recorder: rec, t: stepTexts('zh'), startMs: 0 });
    const insp = watcherFor('inspection', { floors, recorder: rec, t: stepTexts('zh'), startMs: 0 });
    [at, { ...at, door: 'opening' }, { ...at, door: 'open' }, { ...at, door: 'closing', inspection: true }, { ...at, inspection: false }].forEach((s, i) => {
      const f = frame(s);
      const t = i * 100;
      const st = rec.observe(f, t);
      doors.observe(f, t, st);
      insp.observe(f, t, st);
    });
    // The words diag live uses for the door, and 开/关 for a switch: on screen and in the report's `saw`.
    expect(doors.saw()).toBe('门 关 → 开门中 → 开 → 关门中 → 关');
    expect(insp.saw()).toBe('检修 关 → 开 → 关');
    // In English, as before.
    const en = watcherFor('inspection', { floors, recorder: new SessionRecorder(floors, 0.05), t: stepTexts('en'), startMs: 0 });
    en.observe(frame(at), 0, undefined);
    en.observe(frame({ ...at, inspection: true }), 100, undefined);
    expect(en.saw()).toBe('inspection off → on');
  });
});
