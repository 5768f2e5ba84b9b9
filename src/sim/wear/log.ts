import type { LogLine } from '../../replay/sample.js';
import type { SignalName } from '../../signals/types.js';
import type { WearLift } from './lift.js';
import { nextSampleAt, WearSignals } from './observe.js';

/** What a gateway's recorder would write of the sim-modbus board: the signals read, not those derived from them (replay derives floor, levelling error and direction again). */
const RECORDED: readonly SignalName[] = [
  'positionMm',
  'speedMps',
  'door',
  'doorZone',
  'safetyCircuit',
  'doorLockCircuit',
  'overspeedSwitch',
  'occupied',
  'inspection',
  'alarmButton',
  'mainsPower',
  'topFinalLimit',
  'bottomFinalLimit',
  'controllerFloor',
];

/**
 * A wear lift's life as replay log lines (`elevgw replay`, JSONL), at the samples the gateway's
 * detection would take (see nextSampleAt), from `fromMs` to `toMs` of simulated time; a signal
 * unreadable past the staleness window is `null`, as a recording gateway writes it.
 */
export function* wearLogLines(lift: WearLift, fromMs: number, toMs: number): Generator<LogLine> {
  const signals = new WearSignals(lift);
  for (let t = fromMs; t <= toMs; t = nextSampleAt(lift, t)) {
    const s = signals.at(t);
    const line: Record<string, unknown> = { t: t - fromMs };
    for (const name of RECORDED) {
      const sample = s[name];
      if (sample) line[name] = sample.quality === 'good' ? sample.value : null;
    }
    yield line as LogLine;
  }
}
