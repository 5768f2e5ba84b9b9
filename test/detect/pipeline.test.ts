import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { RawPoint } from '../../drivers/types.js';
import type { ModbusBoardProfile } from '../../src/config/board.js';
import { BUILTIN_BOARDS_DIR, loadBoardFile } from '../../src/config/load.js';
import { defaultThresholds } from '../../src/config/thresholds.js';
import { pipelineFor } from '../../src/detect/pipeline.js';
import type { DetectedEvent } from '../../src/detect/types.js';

const board = loadBoardFile(join(BUILTIN_BOARDS_DIR, 'generic-modbus-controller.yaml')) as ModbusBoardProfile;
const floors = [
  { label: 'G', levelMm: 0 },
  { label: 'M', levelMm: 3000 },
  { label: 'T', levelMm: 6000 },
];

/** One poll of the controller: the car at `positionMm`, moving at `speed` m/s, doors closed. */
function poll(at: number, positionMm: number, speed: number, mainsPower = true): RawPoint[] {
  const values: Record<string, number | boolean> = {
    position: positionMm,
    speed: Math.round(speed * 1000),
    doorClosed: true,
    doorOpen: false,
    doorZone: positionMm % 3000 === 0,
    safetyCircuit: true,
    doorLockCircuit: true,
    overspeedSwitch: false,
    inspection: false,
    alarmButton: false,
    occupied: false,
    mainsPower,
    topFinalLimit: false,
    bottomFinalLimit: false,
    floor: Math.round(positionMm / 3000),
    heartbeat: at / 100,
  };
  return Object.entries(values).map(([point, value]) => ({ point, value, at, quality: 'good' }));
}

/** The pipeline the gateway builds for a configured elevator (src/runtime). */
describe('the pipeline of a configured elevator', () => {
  const configured = () => pipelineFor({ config: { id: 'E7', ratedSpeedMps: 1.75, floors }, board, thresholds: defaultThresholds });

  it('names its events after the configured elevator id and counts stops under the configured floor labels', () => {
    const p = configured();
    const events: DetectedEvent[] = [];
    let t = 0;
    const sample = (mm: number, speed: number, mains = true) => {
      t += 100;
      p.update(poll(t, mm, speed, mains));
      events.push(...p.step(t).events);
    };
    for (let i = 0; i < 20; i++) sample(0, 0);
    for (let mm = 100; mm < 6000; mm += 100) sample(mm, 1); // G → T at 1 m/s
    for (let i = 0; i < 50; i++) sample(6000, 0);
    for (let i = 0; i < 30; i++) sample(6000, 0, false); // mains lost
    expect(p.detection.stats.rollup('hour', t).stopsByFloor).toEqual({ T: 1 });
    expect(events.filter((e) => e.phase === 'raised').map((e) => [e.type, e.elevatorId])).toEqual([['power-loss', 'E7']]);
  });

  it('hands the rules’ events on before the statistics count them (the gateway publishes them first), the same events as a whole step', () => {
    const whole = configured();
    const early = configured();
    const stepped: DetectedEvent[] = [];
    const emitted: { types: string[]; countedYet: number }[] = [];
    let t = 0;
    const sample = (mm: number, speed: number, mains = true) => {
      t += 100;
      whole.update(poll(t, mm, speed, mains));
      early.update(poll(t, mm, speed, mains));
      stepped.push(...whole.step(t).events);
      early.stepEmitting(t, (events) => {
        const counted = early.detection.stats.peek('hour', t).faults['power-loss'] ?? 0;
        emitted.push({ types: events.map((e) => `${e.type} ${e.phase}`), countedYet: counted });
      });
    };
    for (let i = 0; i < 20; i++) sample(0, 0);
    for (let i = 0; i < 30; i++) sample(0, 0, false); // mains lost
    for (let i = 0; i < 30; i++) sample(0, 0); // and back
    expect(emitted.flatMap((e) => e.types)).toEqual(stepped.map((e) => `${e.type} ${e.phase}`));
    expect(emitted.map((e) => e.types[0])).toEqual(['power-loss raised', 'power-loss cleared']);
    const raised = emitted[0]!;
    expect(raised.countedYet, 'the statistics have not seen the raise when it is handed on').toBe(0);
    expect(early.detection.stats.peek('hour', t).faults).toEqual(whole.detection.stats.peek('hour', t).faults);
    expect(early.detection.stats.peek('hour', t).faults['power-loss']).toBe(1);
    expect(early.detection.samples).toBe(whole.detection.samples);
  });

  it('reads the signals without stepping the rules (diag), and remembers the last step’s', () => {
    const p = configured();
    p.update(poll(100, 6000, 0));
    const read = p.snapshot(100);
    expect(read.floor).toMatchObject({ value: 2, quality: 'good' });
    expect(p.detection.samples).toBe(0);
    expect(p.detection.signals).toEqual({});
    const { signals } = p.step(200);
    expect(p.detection.samples).toBe(1);
    expect(p.detection.signals).toBe(signals);
  });
});
