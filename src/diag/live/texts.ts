import { defineMessages, msg } from '../i18n.js';

/** The words of `elevgw diag live`, in Chinese and English. Values (`?`, mm, m/s) are the same in both. */
export const liveTexts = defineMessages({
  title: msg<{ elevator: string; board: string; source: string; time: string }>(
    (p) => `${p.time} · ${p.elevator} · ${p.board} · ${p.source}`,
    (p) => `${p.time} · ${p.elevator} · ${p.board} · ${p.source}`,
  ),
  viaService: msg<{ gateway: string; version: string }>(
    (p) => `service ${p.gateway} ${p.version}`,
    (p) => `服务 ${p.gateway} ${p.version}`,
  ),
  viaBus: msg(
    () => 'bus read by this tool',
    () => '本工具直接读总线',
  ),
  quit: msg(
    () => '[q] quit',
    () => '[q] 退出',
  ),
  busNote: msg<{ socket: string }>(
    (p) => `reading the bus directly (read-only): no running gateway answers on ${p.socket}`,
    (p) => `直接读取总线（只读）：${p.socket} 上没有运行中的网关应答`,
  ),
  staleNote: msg<{ s: number }>(
    (p) => `the service has not answered for ${p.s} s: every value is unknown (?)`,
    (p) => `服务已 ${p.s} 秒无应答：所有数值未知（?）`,
  ),
  goneNote: msg(
    () => 'the service closed the connection: reconnecting…',
    () => '服务关闭了连接：正在重连…',
  ),
  position: msg(
    () => 'position',
    () => '位置',
  ),
  atLanding: msg<{ floor: string; offset: string }>(
    (p) => `at ${p.floor} (${p.offset} mm)`,
    (p) => `在 ${p.floor} 层（${p.offset} mm）`,
  ),
  between: msg<{ below: string; above: string; over: number }>(
    (p) => `between ${p.below} and ${p.above}, ${p.over} mm above ${p.below}`,
    (p) => `在 ${p.below} 与 ${p.above} 之间，高于 ${p.below} 层 ${p.over} mm`,
  ),
  speed: msg(
    () => 'speed',
    () => '速度',
  ),
  rated: msg<{ rated: string }>(
    (p) => `rated ${p.rated} m/s`,
    (p) => `额定 ${p.rated} m/s`,
  ),
  door: msg(
    () => 'door',
    () => '门',
  ),
  zone: msg(
    () => 'door zone',
    () => '门区',
  ),
  lock: msg(
    () => 'lock circuit',
    () => '门锁回路',
  ),
  safety: msg(
    () => 'safety',
    () => '安全回路',
  ),
  occupied: msg(
    () => 'occupied',
    () => '有人',
  ),
  alarm: msg(
    () => 'alarm',
    () => '报警',
  ),
  inspection: msg(
    () => 'inspection',
    () => '检修',
  ),
  mains: msg(
    () => 'mains',
    () => '主电源',
  ),
  faults: msg(
    () => 'faults',
    () => '故障',
  ),
  none: msg(
    () => 'none',
    () => '无',
  ),
  driver: msg(
    () => 'driver',
    () => '驱动',
  ),
  txPerS: msg<{ n: string }>(
    (p) => `${p.n} tx/s`,
    (p) => `${p.n} 次/秒`,
  ),
  missedPolls: msg<{ n: number }>(
    (p) => `${p.n} polls missed`,
    (p) => `漏轮询 ${p.n} 次`,
  ),
  errors: msg(
    () => 'errors',
    () => '错误',
  ),
  outbox: msg(
    () => 'outbox',
    () => '发送队列',
  ),
  pending: msg<{ n: number; oldest: string }>(
    (p) => `${p.n} pending${p.oldest ? ` · oldest ${p.oldest}` : ''}`,
    (p) => `${p.n} 条待发${p.oldest ? ` · 最早 ${p.oldest}` : ''}`,
  ),
  outboxNone: msg(
    () => '— (no outbox database yet)',
    () => '—（尚无发送队列数据库）',
  ),
  yes: msg(
    () => 'yes',
    () => '是',
  ),
  no: msg(
    () => 'no',
    () => '否',
  ),
  on: msg(
    () => 'on',
    () => '开',
  ),
  off: msg(
    () => 'off',
    () => '关',
  ),
  closed: msg(
    () => 'closed',
    () => '闭合',
  ),
  open: msg(
    () => 'OPEN',
    () => '断开',
  ),
  pressed: msg(
    () => 'PRESSED',
    () => '按下',
  ),
});

/** Door states in words (the signal's values are the contract's English enum). */
export const doorWords = {
  en: { open: 'open', closed: 'closed', opening: 'opening', closing: 'closing', unknown: 'unknown' },
  zh: { open: '开', closed: '关', opening: '开门中', closing: '关门中', unknown: '未知' },
} as const;
