import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawPoint } from '../../drivers/types.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { SignalNormalizer } from '../../src/signals/normalize.js';

/**
 * docs/serial-sensorbox.md: "a silent box is `sensor-lost` 10 s after its last good frame";
 * docs/modbus.md: the frozen-heartbeat rule applies "while reads succeed". A box that fell silent
 * 0.9 s after its heartbeat last changed was taken for a frozen one 10 s after that change, so
 * every signal read as unread since the change and sensor-lost came up to a heartbeat period
 * early (seen live: 9.1 s after the last frame of elevgw's own serial-sensorbox).
 */
const box = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'serial-sensorbox.yaml'));

function frame(at: number, heartbeat: number): RawPoint[] {
  const v: Record<string, number | boolean> = { version: 1, position: 3000, speed: 0, doorClosed: true, doorOpen: false, heartbeat };
  return Object.entries(v).map(([point, value]) => ({ point, value, at, quality: 'good' }));
}

const normalizer = () => new SignalNormalizer(box, { floorLevelsMm: [0, 3000, 6000], stationaryMps: 0.05, staleAfterMs: 3000 });

describe('a serial box that falls silent', () => {
  it('reads as last read at its last frame, not at its heartbeat’s last change', () => {
    const n = normalizer();
    n.snapshot(0);
    n.update(frame(0, 7)); // the heartbeat becomes 7
    for (let t = 50; t <= 900; t += 50) n.update(frame(t, 7)); // frames keep coming; the heartbeat has not ticked yet
    // Then the cable is pulled: no frame arrives any more.
    expect(n.heartbeatFrozen(10_000)).toBe(false);
    const s = n.snapshot(10_000);
    expect(s.positionMm).toMatchObject({ quality: 'bad', at: 900 });
    expect(s.door).toMatchObject({ quality: 'bad', at: 900 });
  });

  it('frames that keep coming with a heartbeat standing still are still a frozen box', () => {
    const n = normalizer();
    n.snapshot(0);
    for (let t = 0; t <= 10_000; t += 50) n.update(frame(t, 7));
    expect(n.heartbeatFrozen(10_000)).toBe(true);
    expect(n.snapshot(10_000).positionMm).toMatchObject({ quality: 'bad', at: 0 });
  });
});
