import { BUILTIN_BOARDS_DIR, loadBoards } from '../config/load.js';
import type { BoardTransport } from '../config/board.js';
import { ok, refuse, type Check } from './fields.js';

/** What an elevator on a board must be told to reach it: a serial port, a TCP address, either, or nothing (GPIO). */
type ConnectionNeed = 'serial' | 'tcp' | 'serial-or-tcp' | 'none';

export interface ShippedBoard {
  id: string;
  transport: BoardTransport;
  description: string;
  needs: ConnectionNeed;
}

function needsFor(transport: BoardTransport): ConnectionNeed {
  switch (transport) {
    case 'modbus-rtu':
    case 'serial-framed':
    case 'firmata':
    case 'retrofit-firmata':
      return 'serial';
    case 'modbus-tcp':
      return 'tcp';
    case 'modbus':
      return 'serial-or-tcp';
    case 'gpio':
    case 'retrofit-i2c':
      return 'none';
  }
}

/** The board profiles shipped in boards/ (a site's own boardsDir is added by hand, after init). */
export function shippedBoards(): ShippedBoard[] {
  return [...loadBoards([BUILTIN_BOARDS_DIR]).values()].map(({ profile }) => ({
    id: profile.id,
    transport: profile.transport,
    description: profile.description,
    needs: needsFor(profile.transport),
  }));
}

/** A board by id, or (typed at a prompt) by its number in the list shown. */
export function checkBoard(boards: readonly ShippedBoard[]): Check<ShippedBoard> {
  return (s) => {
    const byNumber = /^\d+$/.test(s) ? boards[Number(s) - 1] : undefined;
    const board = byNumber ?? boards.find((b) => b.id === s);
    if (board) return ok(board);
    const ids = boards.map((b) => b.id).join(', ');
    return refuse(`没有采集板 "${s}"，可选：${ids}`, `no board "${s}"; shipped boards: ${ids}`);
  };
}
