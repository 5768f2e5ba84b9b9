import type { ElevatorAnswers } from './answers.js';
import type { Text } from './text.js';

type Placed = Pick<ElevatorAnswers, 'id' | 'board' | 'connection'>;

/**
 * Two elevators on one RS-485 adapter share a bus: only Modbus RTU slaves can, at one baud rate,
 * each with its own unit id. Anything else would make both lifts read garbage (or the same
 * slave twice) from the first poll, so it is refused while the answers are given.
 */
export function busConflict(e: Placed, before: readonly Placed[]): { on: 'port' | 'unit'; why: Text } | undefined {
  const c = e.connection;
  for (const o of before) {
    const p = o.connection;
    if (c.kind === 'serial' && p.kind === 'serial' && c.path === p.path) {
      const rtu = (x: Placed) => x.board.transport === 'modbus-rtu' || x.board.transport === 'modbus';
      if (!rtu(e) || !rtu(o))
        return {
          on: 'port',
          why: {
            zh: `${c.path} 已用于电梯 ${o.id}：只有 Modbus RTU 设备可共用一条总线`,
            en: `${c.path} is already used by elevator ${o.id}: only Modbus RTU slaves can share a bus`,
          },
        };
      if ((c.baudRate ?? 9600) !== (p.baudRate ?? 9600))
        return {
          on: 'port',
          why: {
            zh: `同一总线上电梯 ${o.id} 为 ${p.baudRate ?? 9600} 波特，须一致`,
            en: `elevator ${o.id} on the same bus runs at ${p.baudRate ?? 9600} baud: a bus has one baud rate`,
          },
        };
      if ((c.unitId ?? 1) === (p.unitId ?? 1))
        return { on: 'unit', why: { zh: `同一总线上电梯 ${o.id} 已使用从站地址 ${c.unitId ?? 1}`, en: `elevator ${o.id} on the same bus already has unit id ${c.unitId ?? 1}` } };
    }
    if (c.kind === 'tcp' && p.kind === 'tcp' && c.host === p.host && c.port === p.port && (c.unitId ?? 1) === (p.unitId ?? 1)) {
      return {
        on: 'unit',
        why: { zh: `电梯 ${o.id} 已使用 ${c.host}:${c.port} 的从站地址 ${c.unitId ?? 1}`, en: `elevator ${o.id} already reads unit id ${c.unitId ?? 1} at ${c.host}:${c.port}` },
      };
    }
  }
  return undefined;
}
