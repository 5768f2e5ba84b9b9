import type { Side } from './baseline.js';
import { INDICATOR_DEFS, type IndicatorId } from './indicators.js';

/** What a hint is written from. Labels are the building's floor labels. */
export interface HintFacts {
  id: IndicatorId;
  side: Side;
  floor: string | null;
  direction: 'up' | 'down' | null;
  baseline: number;
  now: number;
  overDays: number;
  /** Rates: the landing most occurrences had, when one stands out. */
  worstFloor?: string | null;
  /** Levelling over all landings: which way the other travel direction has drifted, if it has. */
  otherDirection?: Side | undefined;
}

export interface Hint {
  en: string;
  zh: string;
}

/**
 * The maintenance hint of an early warning, in plain words for the technician (English and
 * Chinese): what changed, where, from what to what over how long, and what to look at —
 * "door closing time at floor 5 has risen from 3.1 s to 4.6 s over 9 days: check the door
 * operator and the sill at floor 5".
 */
export function hint(f: HintFacts): Hint {
  const [whatEn, whatZh] = what(f);
  const [adviceEn, adviceZh] = advice(f);
  const days = `${f.overDays} day${f.overDays === 1 ? '' : 's'}`;
  const have = INDICATOR_DEFS[f.id].kind === 'rate' ? 'have' : 'has'; // the rates are counts: "reopenings have risen"
  return {
    en: `${whatEn} ${have} ${f.side === 'high' ? 'risen' : 'fallen'} from ${value(f, f.baseline, 'en')} to ${value(f, f.now, 'en')} over ${days}: ${adviceEn}`,
    zh: `${whatZh}${f.overDays}天内由${value(f, f.baseline, 'zh')}${f.side === 'high' ? '升至' : '降至'}${value(f, f.now, 'zh')}：${adviceZh}`,
  };
}

function value(f: HintFacts, v: number, lang: 'en' | 'zh'): string {
  const def = INDICATOR_DEFS[f.id];
  if (f.id === 'peakSpeedRatio') return `${Math.round(v * 100)}${lang === 'en' ? ' % of rated speed' : '%额定速度'}`;
  const n = f.id === 'levelingMm' ? `${v > 0 ? '+' : ''}${v.toFixed(def.decimals)}` : v.toFixed(def.decimals);
  return lang === 'en' ? `${n} ${def.unit}` : `${n}${def.unitZh}`;
}

const DIR_EN = { up: 'travelling up', down: 'travelling down' } as const;
const DIR_ZH = { up: '上行', down: '下行' } as const;

function what(f: HintFacts): [string, string] {
  const at = f.floor === null ? '' : ` at floor ${f.floor}`;
  const atZh = f.floor === null ? '' : `${f.floor}层`;
  const dirEn = f.direction ? ` (${DIR_EN[f.direction]})` : '';
  const dirZh = f.direction ? DIR_ZH[f.direction] : '';
  switch (f.id) {
    case 'doorCloseS':
      return [`door closing time${at}`, `${atZh}关门时间`];
    case 'doorOpenS':
      return [`door opening time${at}`, `${atZh}开门时间`];
    case 'doorReopens':
      return ['door reopenings', '重开门次数'];
    case 'failedCloses':
      return ['closings that reverse before the door is closed', '关门中途反向（关门失败）次数'];
    case 'levelingMm':
      return [`the stopping position${at}${dirEn}`, `${atZh}${dirZh}到站平层位置`];
    case 'relevels':
      return ['re-levelling moves', '再平层次数'];
    case 'tripExcessS':
      return [`the time a trip loses to acceleration and braking${dirEn}`, `${dirZh}运行加减速耗时`];
    case 'peakSpeedRatio':
      return [`peak speed${dirEn}`, `${dirZh}最高速度`];
    case 'accelMps2':
      return [`acceleration${dirEn}`, `${dirZh}加速度`];
    case 'safetyGlitches':
      return ['short safety-circuit interruptions', '安全回路短时断开次数'];
    case 'lockGlitches':
      return ['short door-lock circuit interruptions while running', '运行中门锁回路短时断开次数'];
    case 'sensorDrops':
      return ['drop-outs of the monitoring signals', '监测信号中断次数'];
  }
}

function advice(f: HintFacts): [string, string] {
  const high = f.side === 'high';
  const L = f.floor ?? '';
  switch (f.id) {
    case 'doorCloseS':
    case 'doorOpenS':
      // All landings alike: the car door's operator; one landing: that landing's door.
      if (f.floor === null)
        return high
          ? ['check the car door operator (belt, rollers, motor) and its settings', '请检查轿门门机（皮带、滚轮、电机）及其设定']
          : ["check the car door operator's speed setting and closing force", '请检查轿门门机速度设定及关门力'];
      if (!high) return [`check the door operator's speed setting and the closing force at floor ${L}`, `请检查门机速度设定及${L}层关门力`];
      return f.id === 'doorCloseS'
        ? [`check the door operator and the sill at floor ${L}`, `请检查门机及${L}层地坎`]
        : [`check the door operator, the door hangers and the landing door at floor ${L}`, `请检查门机、门挂轮及${L}层层门`];
    case 'doorReopens':
      return ['check the light curtain or safety edge, and the door path for obstructions', '请检查光幕或安全触板，以及门的运行路径有无障碍'];
    case 'failedCloses': {
      const w = f.worstFloor ?? null;
      return [
        `check the door operator's closing force, the door lock and the sill${w === null ? '' : ` (most at floor ${w})`}`,
        `请检查门机关门力、门锁及地坎${w === null ? '' : `（以${w}层最多）`}`,
      ];
    }
    case 'levelingMm':
      return levelingAdvice(f);
    case 'relevels':
      return ['check the ropes for stretch, the brake and the levelling adjustment', '请检查钢丝绳伸长、制动器及平层调整'];
    case 'tripExcessS':
      return high
        ? ['check the drive tuning, the brake release and the guide shoes', '请检查驱动调试、制动器松闸及导靴']
        : ["check the drive's speed and acceleration settings", '请检查驱动速度及加速度设定'];
    case 'peakSpeedRatio':
      return high
        ? ["check the drive's speed setting and the encoder: the governor trips at 115 % of rated speed", '请检查驱动速度设定及编码器：限速器在额定速度115%时动作']
        : ['check the drive and the brake release', '请检查驱动及制动器松闸'];
    case 'accelMps2':
      return high ? ['check the drive tuning (ride comfort)', '请检查驱动调试（乘坐舒适性）'] : ['check the drive tuning and the brake release', '请检查驱动调试及制动器松闸'];
    case 'safetyGlitches':
      return [
        'check the safety-chain contacts (landing door contacts, car-top and pit stop switches, buffer and governor switches) for loose wiring or wear',
        '请检查安全回路各触点（层门触点、轿顶及底坑急停开关、缓冲器及限速器开关）有无接线松动或磨损',
      ];
    case 'lockGlitches':
      return ['check the landing door lock contacts and the car door contact', '请检查层门门锁触点及轿门触点'];
    case 'sensorDrops':
      return ['check the cable, connectors and power of the sensor box or the controller link', '请检查采集盒或控制柜通信的线缆、接头及电源'];
  }
}

/**
 * A landing's own drift points at its levelling vane. A drift at all landings: both directions
 * stopping low is the ropes stretching; the car stopping past the landing in its direction of
 * travel — high going up while low going down — is the brake. With one direction drifted so far,
 * the hint names what it may be.
 */
function levelingAdvice(f: HintFacts): [string, string] {
  if (f.floor !== null) return [`check the levelling vane or magnet at floor ${f.floor} and the floor table`, `请检查${f.floor}层平层感应板（磁铁）及楼层数据`];
  const overshoot = (f.direction === 'up' && f.side === 'high') || (f.direction === 'down' && f.side === 'low');
  if (f.otherDirection === f.side && f.side === 'low')
    return [
      'the car stops low both ways: check the ropes for stretch and the levelling and load-weighing adjustment',
      '上下行均停车偏低：请检查钢丝绳伸长以及平层、称重装置的调整',
    ];
  if (f.otherDirection === f.side) return ['the car stops high both ways: check the levelling and load-weighing adjustment', '上下行均停车偏高：请检查平层及称重装置的调整'];
  if (overshoot && f.otherDirection !== undefined)
    return [
      'the car overshoots both ways: check the brake (lining wear, air gap, spring force) and the stopping profile',
      '上下行均停车越位：请检查制动器（闸瓦磨损、间隙、弹簧力）及停车曲线',
    ];
  if (overshoot && f.direction === 'down') return ['check the brake (overshoot), the ropes for stretch and the levelling adjustment', '请检查制动器（越位）、钢丝绳伸长及平层调整'];
  if (overshoot) return ['check the brake (overshoot) and the levelling adjustment', '请检查制动器（越位）及平层调整'];
  return ['the car stops short: check the levelling adjustment, the ropes and the brake release', '轿厢停车不到位：请检查平层调整、钢丝绳及制动器松闸'];
}
