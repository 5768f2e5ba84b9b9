import { defineMessages, msg } from '../i18n.js';
import { doorWords } from '../live/texts.js';

/** What a step saw, and why one that timed out did not pass, in Chinese and English. */
export const stepTexts = defineMessages({
  nothingYet: msg(
    () => 'nothing yet',
    () => '尚无',
  ),
  /** A door state as `diag live` words it (the signal's value is the contract's English enum). */
  doorState: msg<{ state: string }>(
    (p) => p.state,
    (p) => doorWords.zh[p.state as keyof typeof doorWords.zh] ?? p.state,
  ),
  switchedOn: msg(
    () => 'on',
    () => '开',
  ),
  switchedOff: msg(
    () => 'off',
    () => '关',
  ),
  door: msg<{ seq: string }>(
    (p) => `door ${p.seq}`,
    (p) => `门 ${p.seq}`,
  ),
  doorsNeverClosed: msg(
    () => 'the doors stayed open: they never closed',
    () => '门一直开着，从未关闭',
  ),
  doorsNeverOpened: msg(
    () => 'the doors never opened fully',
    () => '门从未完全打开',
  ),
  doorsNeverReclosed: msg(
    () => 'the doors opened but never closed again',
    () => '门打开后未再关闭',
  ),
  stoppedAt: msg<{ floor: string; levelMm: number }>(
    (p) => `stopped at ${p.floor}, level ${p.levelMm} mm`,
    (p) => `停靠 ${p.floor} 层，平层位置 ${p.levelMm} mm`,
  ),
  stops: msg<{ list: string }>(
    (p) => `stops: ${p.list}`,
    (p) => `停靠：${p.list}`,
  ),
  neverStoppedAt: msg<{ floor: string }>(
    (p) => `the car never stopped in the door zone of ${p.floor}`,
    (p) => `轿厢从未在 ${p.floor} 层门区停靠`,
  ),
  floorsSeen: msg<{ seen: string; missing: string }>(
    (p) => `stopped at ${p.seen || '—'}; still to stop at ${p.missing}`,
    (p) => `已停靠 ${p.seen || '—'}；尚未停靠 ${p.missing}`,
  ),
  allFloors: msg<{ n: number }>(
    (p) => `stopped at all ${p.n} landings`,
    (p) => `已在全部 ${p.n} 个层站停靠`,
  ),
  noStopAt: msg<{ missing: string }>(
    (p) => `no stop at ${p.missing}`,
    (p) => `未在 ${p.missing} 层停靠`,
  ),
  inspectionSeen: msg<{ seq: string }>(
    (p) => `inspection ${p.seq}`,
    (p) => `检修 ${p.seq}`,
  ),
  inspectionNeverOn: msg(
    () => 'inspection was never switched on',
    () => '检修从未打开',
  ),
  inspectionNeverOff: msg(
    () => 'inspection was switched on but never off again',
    () => '检修打开后未再关闭',
  ),
  held: msg<{ s: string }>(
    (p) => `held ${p.s} s`,
    (p) => `按住 ${p.s} 秒`,
  ),
  alarmNeverPressed: msg(
    () => 'the alarm button was never pressed',
    () => '报警按钮从未按下',
  ),
  alarmTooShort: msg<{ s: string; need: number }>(
    (p) => `the alarm button was held ${p.s} s at most (${p.need} s needed)`,
    (p) => `报警按钮最长只按住 ${p.s} 秒（需要 ${p.need} 秒）`,
  ),
  mainsOff: msg<{ s: string; back: boolean }>(
    (p) => `mains off ${p.s} s${p.back ? ', back on' : ''}`,
    (p) => `主电源断开 ${p.s} 秒${p.back ? '，已恢复' : ''}`,
  ),
  mainsNeverCut: msg(
    () => 'the mains never read off',
    () => '主电源从未断开',
  ),
  mainsTooShort: msg<{ s: string; need: number }>(
    (p) => `the mains were off ${p.s} s at most (${p.need} s needed)`,
    (p) => `主电源最长只断开 ${p.s} 秒（需要 ${p.need} 秒）`,
  ),
  mainsNeverBack: msg(
    () => 'the mains never came back',
    () => '主电源未恢复',
  ),
});

export type StepTexts = ReturnType<typeof stepTexts>;
