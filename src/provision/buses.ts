import { type BusPlace, busConflict as conflictOf, rtuTransport } from '../config/buses.js';
import type { ElevatorAnswers } from './answers.js';
import type { Text } from './text.js';

type Placed = Pick<ElevatorAnswers, 'id' | 'board' | 'connection'>;

function place(e: Placed): BusPlace {
  const c = e.connection;
  if (c.kind === 'serial')
    return { id: e.id, kind: 'serial', rtu: rtuTransport(e.board.transport), path: c.path, baudRate: c.baudRate ?? 9600, parity: 'none', unitId: c.unitId ?? 1 };
  if (c.kind === 'tcp') return { id: e.id, kind: 'tcp', host: c.host, port: c.port, unitId: c.unitId ?? 1 };
  return { id: e.id, kind: 'none' };
}

/**
 * Two elevators on one RS-485 adapter share a bus: only Modbus RTU slaves can, at one baud rate,
 * each with its own unit id (src/config/buses.ts; the config loader refuses the same). Anything
 * else would make both lifts read garbage (or the same slave twice) from the first poll, so it is
 * refused while the answers are given.
 */
export function busConflict(e: Placed, before: readonly Placed[]): { on: 'port' | 'unit'; why: Text } | undefined {
  const c = conflictOf(place(e), before.map(place));
  switch (c?.why) {
    case undefined:
      return undefined;
    case 'not-rtu':
      return {
        on: 'port',
        why: {
          zh: `${c.path} 已用于电梯 ${c.other}：只有 Modbus RTU 设备可共用一条总线`,
          en: `${c.path} is already used by elevator ${c.other}: only Modbus RTU slaves can share a bus`,
        },
      };
    case 'baud':
      return {
        on: 'port',
        why: { zh: `同一总线上电梯 ${c.other} 为 ${c.baudRate} 波特，须一致`, en: `elevator ${c.other} on the same bus runs at ${c.baudRate} baud: a bus has one baud rate` },
      };
    case 'parity':
      return {
        on: 'port',
        why: { zh: `同一总线上电梯 ${c.other} 校验位为 ${c.parity}，须一致`, en: `elevator ${c.other} on the same bus uses parity ${c.parity}: a bus has one parity` },
      };
    case 'unit':
      return { on: 'unit', why: { zh: `同一总线上电梯 ${c.other} 已使用从站地址 ${c.unitId}`, en: `elevator ${c.other} on the same bus already has unit id ${c.unitId}` } };
    case 'tcp-unit':
      return {
        on: 'unit',
        why: { zh: `电梯 ${c.other} 已使用 ${c.host}:${c.port} 的从站地址 ${c.unitId}`, en: `elevator ${c.other} already reads unit id ${c.unitId} at ${c.host}:${c.port}` },
      };
  }
}
