import { z } from 'zod';
import type { Answers, ConnectionAnswer, ElevatorAnswers } from './answers.js';
import { checkBoard, type ShippedBoard } from './boards.js';
import { busConflict } from './buses.js';
import { COLUMNS, cellValues, column, type ColumnName, type Row } from './columns.js';
import {
  checkBaudRate,
  checkBrokerUrl,
  checkCaFile,
  checkElevatorId,
  checkGatewayId,
  checkHostPort,
  checkRatedSpeed,
  checkRegistrationCode,
  checkRescueCode,
  checkText,
  checkUnitId,
  checkUsername,
  type Check,
} from './fields.js';
import { checkFloors } from './floors.js';
import { adapterPath, checkAdapterSerial, checkSerialPath } from './serial-ports.js';
import { say, type Lang, type Text } from './text.js';

export interface RowContext {
  boards: readonly ShippedBoard[];
  /** /dev, or a fake one in tests: where adapters named by serial number are looked up. */
  devDir: string;
  /** Use each column's default for an answer not given (always for a CSV row; with --yes for flags). */
  acceptDefaults: boolean;
  lang: Lang;
}

export interface RowAnswers {
  answers: Omit<Answers, 'broker'> & { broker: Omit<Answers['broker'], 'password'> };
  /** Worth saying but not wrong: an adapter that is not plugged in yet. */
  notices: Text[];
}

type Issue = (name: ColumnName, why: Text) => void;

/**
 * One gateway's answers as text (a CSV row or the flags) checked cell by cell with the same
 * checks as the prompts; every problem is an issue at its column, so the caller can name the
 * CSV line and column or the flag.
 */
export function rowSchema(ctx: RowContext) {
  const shape = Object.fromEntries(COLUMNS.map((c) => [c.name, z.string().optional()])) as Record<ColumnName, z.ZodOptional<z.ZodString>>;
  return z
    .object(shape)
    .strict()
    .transform((row, zctx): RowAnswers => {
      const issue: Issue = (name, why) => zctx.addIssue({ code: 'custom', path: [name], message: say(why, ctx.lang) });
      const result = resolveRow(row, ctx, issue);
      return result ?? (z.NEVER as never);
    });
}

function resolveRow(row: Row, ctx: RowContext, issue: Issue): RowAnswers | undefined {
  const before = { count: 0 };
  const counted: Issue = (n, w) => {
    before.count++;
    issue(n, w);
  };
  const cells = new Cells(row, ctx, counted);
  const gatewayId = cells.one('gateway_id', checkGatewayId);
  const site = cells.one('site', checkText) ?? '';
  const address = cells.one('address', checkText) ?? '';
  const url = cells.one('broker_url', checkBrokerUrl);
  const username = cells.one('username', checkUsername) ?? (ctx.acceptDefaults || row.username !== undefined ? gatewayId : cells.missing('username', gatewayId ?? ''));
  const ca = cells.one('ca_file', checkCaFile);
  const ids = cells.list('elevator_ids', checkElevatorId, undefined) ?? [];
  const n = ids.length;
  duplicates(ids, 'elevator_ids', counted);
  const codes = cells.list('registration_codes', checkRegistrationCode, n, { replicate: false });
  if (codes) duplicates(codes, 'registration_codes', counted);
  const rescue = cells.list('rescue_codes', checkRescueCode, n, { replicate: false });
  const boards = cells.list('board', checkBoard(ctx.boards), n);
  const floors = cells.list('floors', checkFloors, n);
  const speeds = cells.list('rated_speed_mps', checkRatedSpeed, n);
  const notices: Text[] = [];
  const connections = ids.map((_, i) => (boards?.[i] ? connectionOf(cells, boards[i]!, i, n, ctx, notices) : undefined));
  const placed: { id: string; board: ShippedBoard; connection: ConnectionAnswer }[] = [];
  ids.forEach((id, i) => {
    const [board, connection] = [boards?.[i], connections[i]];
    if (!board || !connection) return;
    const conflict = busConflict({ id, board, connection }, placed);
    if (conflict)
      counted(
        conflict.on === 'unit' ? 'unit_id' : connection.kind === 'serial' && row.serial_port ? 'serial_port' : connection.kind === 'serial' ? 'adapter_serial' : 'modbus_host',
        { zh: `电梯 ${i + 1}：${conflict.why.zh}`, en: `elevator ${i + 1}: ${conflict.why.en}` },
      );
    placed.push({ id, board, connection });
  });
  if (before.count > 0 || !gatewayId || !url || !username || !codes || !rescue || !boards || !floors || !speeds) return undefined;
  const elevators: ElevatorAnswers[] = ids.map((id, i) => ({
    id,
    registrationCode: codes[i]!,
    rescueCode: rescue[i]!,
    board: boards[i]!,
    floors: floors[i]!,
    ratedSpeedMps: speeds[i]!,
    connection: connections[i]!,
  }));
  return { answers: { gatewayId, site, address, elevators, broker: { url, username, ...(ca ? { ca } : {}) } }, notices };
}

function duplicates(values: readonly string[], name: ColumnName, issue: Issue): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) issue(name, { zh: `"${v}" 出现了两次`, en: `"${v}" appears twice` });
    seen.add(v);
  }
}

/** An elevator's connection from the adapter, serial port and Modbus host cells, as its board needs it. */
function connectionOf(cells: Cells, board: ShippedBoard, i: number, n: number, ctx: RowContext, notices: Text[]): ConnectionAnswer | undefined {
  const adapter = cells.at('adapter_serial', i, n, checkAdapterSerial);
  const port = cells.at('serial_port', i, n, checkSerialPath);
  const host = cells.at('modbus_host', i, n, checkHostPort);
  const modbus = board.transport.startsWith('modbus');
  const which = { zh: `电梯 ${i + 1}（${board.id}）`, en: `elevator ${i + 1} (${board.id})` };
  const wrong = (name: ColumnName, zh: string, en: string) => cells.issue(name, { zh: `${which.zh}${zh}`, en: `${which.en} ${en}` });
  const serialGiven = adapter.explicit || port.explicit;
  if (board.needs === 'none') {
    for (const [name, v] of [
      ['adapter_serial', adapter],
      ['serial_port', port],
      ['modbus_host', host],
    ] as const)
      if (v.explicit) wrong(name, '使用网关自身的 GPIO，此处应留空', 'reads the GPIO header: leave this empty');
    return { kind: 'none' };
  }
  if (board.needs === 'tcp' && serialGiven)
    wrong(adapter.explicit ? 'adapter_serial' : 'serial_port', '经 Modbus TCP 连接，不用串口', 'is reached over Modbus TCP, not a serial port');
  if (board.needs === 'serial' && host.explicit) wrong('modbus_host', '经串口连接，不用 Modbus TCP 地址', 'is reached over a serial port, not Modbus TCP');
  if (adapter.explicit && port.explicit) wrong('serial_port', '串口与适配器序列号只填其一', 'takes an adapter serial or a serial port, not both');
  const useSerial = board.needs === 'serial' || (board.needs === 'serial-or-tcp' && (adapter.value !== undefined || port.value !== undefined) && !host.explicit);
  const unitId = modbus ? (cells.at('unit_id', i, n, checkUnitId).value ?? cells.defaulted('unit_id', checkUnitId)) : undefined;
  if (useSerial) {
    let path = port.value;
    if (path === undefined && adapter.value !== undefined) {
      const found = adapterPath(adapter.value, ctx.devDir);
      path = found.path;
      if (!found.present && !notices.some((t) => t.en.includes(found.path)))
        notices.push({ zh: `适配器 ${adapter.value} 当前未插入，配置使用 ${found.path}`, en: `adapter ${adapter.value} is not plugged in now; the config uses ${found.path}` });
    }
    if (path === undefined) return void wrong('adapter_serial', '需要串口：填写适配器序列号或串口路径', 'needs a serial port: an adapter serial or a serial port path');
    const baud = cells.at('baud_rate', i, n, checkBaudRate).value ?? (modbus ? cells.defaulted('baud_rate', checkBaudRate, '9600') : undefined);
    return { kind: 'serial', path, ...(baud !== undefined ? { baudRate: baud } : {}), ...(unitId !== undefined ? { unitId } : {}) };
  }
  if (host.value === undefined) return void wrong('modbus_host', '需要 Modbus TCP 地址（主机[:端口]）', 'needs a Modbus TCP address (HOST[:PORT])');
  return { kind: 'tcp', ...host.value, ...(unitId !== undefined ? { unitId } : {}) };
}

/** Reading cells: checks, per-elevator lists, defaults and the issues they raise. */
class Cells {
  constructor(
    private readonly row: Row,
    private readonly ctx: RowContext,
    readonly issue: Issue,
  ) {}

  /**
   * A missing answer: an issue, unless it may take its default. Returns the default it may take.
   * A required answer has no default, so --yes (and a CSV, which always takes defaults) cannot
   * stand in for it: it is an issue at its column either way.
   */
  missing(name: ColumnName, fallback: string): string | undefined {
    const c = column(name);
    if (this.ctx.acceptDefaults && !c.required) return fallback;
    const hint =
      c.default !== undefined || name === 'username' ? { zh: `，或用 --yes 采用默认值 "${fallback}"`, en: `, or --yes for the default "${fallback}"` } : { zh: '', en: '' };
    this.issue(name, { zh: `未填写${hint.zh}`, en: `required${hint.en}` });
    return undefined;
  }

  one<T>(name: ColumnName, check: Check<T>): T | undefined {
    const raw = this.row[name]?.trim();
    const c: { required: boolean; default?: string } = column(name);
    if (raw === undefined) {
      if (c.required) return void this.missing(name, '');
      if (c.default === undefined) return undefined;
      const d = this.missing(name, c.default);
      return d === undefined ? undefined : this.checked(name, check, d);
    }
    return this.checked(name, check, raw);
  }

  /** n values (or one for all, when `replicate`); with n undefined, the list sets n. */
  list<T>(name: ColumnName, check: Check<T>, n: number | undefined, opts: { replicate?: boolean } = {}): T[] | undefined {
    const c: { default?: string } = column(name);
    let values = cellValues(this.row[name]);
    if (values.length === 0) {
      const d = c.default !== undefined ? this.missing(name, c.default) : this.missing(name, '');
      if (d === undefined || c.default === undefined) return undefined;
      values = cellValues(d);
    }
    if (n !== undefined && values.length !== n) {
      if (values.length === 1 && n > 1 && opts.replicate !== false) values = Array(n).fill(values[0]);
      else {
        this.issue(name, {
          zh: `${values.length} 个值，但有 ${n} 部电梯（用 ; 分隔，每部电梯一个）`,
          en: `${values.length} value(s) for ${n} elevator(s) (one per elevator, separated by ;)`,
        });
        return undefined;
      }
    }
    const out: T[] = [];
    values.forEach((v, i) => {
      const r = check(v);
      if (r.ok) out.push(r.value);
      else this.issue(name, values.length > 1 ? { zh: `电梯 ${i + 1}：${r.why.zh}`, en: `elevator ${i + 1}: ${r.why.en}` } : r.why);
    });
    return out.length === values.length ? out : undefined;
  }

  /** Elevator i's value of a per-elevator cell; `explicit` when it was written for this elevator rather than one value for all. */
  at<T>(name: ColumnName, i: number, n: number, check: Check<T>): { value: T | undefined; explicit: boolean } {
    const values = cellValues(this.row[name]);
    if (values.length === 0) return { value: undefined, explicit: false };
    if (values.length !== 1 && values.length !== n) {
      if (i === 0) this.issue(name, { zh: `${values.length} 个值，但有 ${n} 部电梯`, en: `${values.length} value(s) for ${n} elevator(s)` });
      return { value: undefined, explicit: false };
    }
    const raw = values.length === 1 ? values[0]! : values[i]!;
    if (raw === '') return { value: undefined, explicit: false };
    const r = check(raw);
    if (!r.ok) this.issue(name, n > 1 ? { zh: `电梯 ${i + 1}：${r.why.zh}`, en: `elevator ${i + 1}: ${r.why.en}` } : r.why);
    return { value: r.ok ? r.value : undefined, explicit: values.length === n };
  }

  /** A connection detail not given: its default, if defaults are accepted. */
  defaulted<T>(name: ColumnName, check: Check<T>, fallback?: string): T | undefined {
    const d = this.missing(name, fallback ?? (column(name) as { default?: string }).default ?? '');
    return d === undefined ? undefined : this.checked(name, check, d);
  }

  private checked<T>(name: ColumnName, check: Check<T>, raw: string): T | undefined {
    const r = check(raw);
    if (r.ok) return r.value;
    this.issue(name, r.why);
    return undefined;
  }
}
