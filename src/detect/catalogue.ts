import { SERVICE_MODES, type ServiceMode } from '../contract/enums.js';
import type { EventType, Severity } from './types.js';

/** What the platform needs to know about each event type (docs/domain.md, "Fault and event catalogue"). */
export interface CatalogueEntry {
  /** Chinese name used by the supervision platforms. */
  zh: string;
  /** Severity a rule raises with unless it says otherwise (door-lock-fault: a bypassed lock is critical). */
  severity: Severity;
  /**
   * GB/T 24476 platform code: faults 01..11, events 40..47, 90 alarm. Only where the code table
   * names the type; service-mode's code depends on the mode (see serviceModeEventCode).
   */
  code?: string;
}

export const CATALOGUE: Readonly<Record<EventType, CatalogueEntry>> = {
  trapped: { zh: '困人', severity: 'critical', code: '11' },
  // No code of its own in the table: 05 (unintended car movement) is moving-with-door-open's.
  'door-open-while-moving': { zh: '运行中开门', severity: 'critical' },
  'moving-with-door-open': { zh: '开门走车', severity: 'critical', code: '05' },
  overspeed: { zh: '超速', severity: 'critical' },
  'overtravel-top': { zh: '冲顶', severity: 'critical', code: '09' },
  'overtravel-bottom': { zh: '蹲底', severity: 'critical', code: '10' },
  'stopped-outside-zone': { zh: '非平层停梯', severity: 'fault', code: '04' },
  'leveling-error': { zh: '平层精度超差', severity: 'warning' },
  'door-open-too-long': { zh: '长时间开门', severity: 'warning' },
  'door-reopen-repeated': { zh: '反复开关门', severity: 'warning' },
  'safety-circuit-open': { zh: '安全回路断路', severity: 'fault', code: '01' },
  'door-lock-fault': { zh: '门锁回路异常', severity: 'fault' },
  'door-close-fault': { zh: '关门故障', severity: 'fault', code: '02' },
  'door-open-fault': { zh: '开门故障', severity: 'fault', code: '03' },
  'run-time-exceeded': { zh: '电动机运转时间限制器动作', severity: 'fault', code: '06' },
  'floor-position-lost': { zh: '楼层位置丢失', severity: 'fault', code: '07' },
  'service-mode': { zh: '服务模式', severity: 'info' },
  'power-loss': { zh: '停电', severity: 'warning', code: '41' },
  'sensor-lost': { zh: '采集异常', severity: 'fault' },
  'alarm-pressed': { zh: '紧急报警', severity: 'warning', code: '90' },
  'maintenance-session': { zh: '维保', severity: 'info', code: '43' },
  'early-warning': { zh: '预警', severity: 'warning' },
  commissioning: { zh: '调试验收', severity: 'info' },
  // Takes the severity of the fault it completes; this default is never used for one.
  blackbox: { zh: '黑匣子', severity: 'info' },
  'gateway-started': { zh: '网关启动', severity: 'info' },
  'outbox-loss': { zh: '缓存数据丢失', severity: 'warning' },
  // Its severity follows the outcome (src/runtime/upgrade-report.ts): a rollback is a warning.
  upgrade: { zh: '软件升级', severity: 'info' },
};

/** Chinese name of the fault/event, as the platforms show it. */
export function eventName(type: EventType): string {
  return CATALOGUE[type].zh;
}

export function defaultSeverity(type: EventType): Severity {
  return CATALOGUE[type].severity;
}

export { SERVICE_MODES, type ServiceMode };

/** GB/T 24476 service-mode status field: 0 out of service … 7 unknown. */
export function serviceModeCode(mode: ServiceMode): number {
  return SERVICE_MODES.indexOf(mode);
}

const SERVICE_MODE_EVENT: Partial<Record<ServiceMode, string>> = {
  normal: '40',
  'out-of-service': '42',
  inspection: '43',
  'fire-recall': '44',
  firefighter: '45',
  'emergency-power': '46',
  earthquake: '47',
};

/** Event code for entering a service mode (40 return to normal … 47 earthquake). */
export function serviceModeEventCode(mode: ServiceMode): string | undefined {
  return SERVICE_MODE_EVENT[mode];
}

/**
 * GB/T 24476 platform code of an event type, undefined where the table has none.
 * For service-mode pass the event's data: its `mode` picks the code.
 */
export function platformCode(type: EventType, data?: Readonly<Record<string, unknown>>): string | undefined {
  if (type === 'service-mode') {
    const mode = data?.mode;
    return isServiceMode(mode) ? serviceModeEventCode(mode) : undefined;
  }
  return CATALOGUE[type].code;
}

function isServiceMode(v: unknown): v is ServiceMode {
  return typeof v === 'string' && (SERVICE_MODES as readonly string[]).includes(v);
}
