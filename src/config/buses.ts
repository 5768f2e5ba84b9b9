import type { BoardTransport } from './board.js';

/**
 * Where one elevator is read from, as far as sharing goes: a serial path (an RS-485 bus when the
 * board speaks Modbus RTU) or a Modbus TCP interface; nothing for the gateway's own header.
 */
export type BusPlace =
  | { id: string; kind: 'serial'; rtu: boolean; path: string; baudRate: number; parity: string; unitId: number }
  | { id: string; kind: 'tcp'; host: string; port: number; unitId: number }
  | { id: string; kind: 'none' };

/** Why an elevator cannot be read where it is placed, beside `other` (an elevator placed before it). */
export type BusConflict =
  | { other: string; why: 'not-rtu'; path: string }
  | { other: string; why: 'baud'; baudRate: number }
  | { other: string; why: 'parity'; parity: string }
  | { other: string; why: 'unit'; unitId: number }
  | { other: string; why: 'tcp-unit'; unitId: number; host: string; port: number };

/**
 * Two elevators on one serial path share a bus: only Modbus RTU slaves can, at one baud rate and
 * parity, each with its own unit id; two elevators reading one unit id of one Modbus TCP interface
 * read the same slave. Anything else reads garbage, or one lift twice, from the first poll (the
 * field bus refuses a second line setting on an open port). `elevgw init` refuses it all as it is
 * answered; the config loader refuses the serial conflicts (one TCP unit id read twice may be a
 * group controller's two lifts in two register blocks, src/config/load.ts).
 */
export function busConflict(e: BusPlace, before: readonly BusPlace[]): BusConflict | undefined {
  for (const o of before) {
    if (e.kind === 'serial' && o.kind === 'serial' && e.path === o.path) {
      if (!e.rtu || !o.rtu) return { other: o.id, why: 'not-rtu', path: e.path };
      if (e.baudRate !== o.baudRate) return { other: o.id, why: 'baud', baudRate: o.baudRate };
      if (e.parity !== o.parity) return { other: o.id, why: 'parity', parity: o.parity };
      if (e.unitId === o.unitId) return { other: o.id, why: 'unit', unitId: e.unitId };
    }
    if (e.kind === 'tcp' && o.kind === 'tcp' && e.host === o.host && e.port === o.port && e.unitId === o.unitId) {
      return { other: o.id, why: 'tcp-unit', unitId: e.unitId, host: e.host, port: e.port };
    }
  }
  return undefined;
}

/** Whether a board of this transport on a serial path is a Modbus RTU slave (one that can share the bus). */
export function rtuTransport(transport: BoardTransport): boolean {
  return transport === 'modbus-rtu' || transport === 'modbus';
}

/** The conflict in a config file's words (the loader's message). */
export function busConflictMessage(c: BusConflict): string {
  switch (c.why) {
    case 'not-rtu':
      return `${c.path} is already used by elevator ${c.other}: only Modbus RTU slaves can share a serial port`;
    case 'baud':
      return `elevator ${c.other} on the same bus runs at ${c.baudRate} baud: a bus has one baud rate`;
    case 'parity':
      return `elevator ${c.other} on the same bus uses parity ${c.parity}: a bus has one parity`;
    case 'unit':
      return `elevator ${c.other} on the same bus already has unit id ${c.unitId}`;
    case 'tcp-unit':
      return `elevator ${c.other} already reads unit id ${c.unitId} at ${c.host}:${c.port}`;
  }
}
