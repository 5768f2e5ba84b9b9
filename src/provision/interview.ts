import { ElevgwError } from '../core/errors.js';
import type { Answers, ConnectionAnswer, ElevatorAnswers } from './answers.js';
import { checkBoard, type ShippedBoard } from './boards.js';
import { busConflict } from './buses.js';
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
  ok,
  refuse,
  type Check,
} from './fields.js';
import { checkFloors, formatFloors } from './floors.js';
import type { Prompter } from './prompter.js';
import type { SerialAdapter } from './serial-ports.js';
import { say, type Lang, type Text } from './text.js';

export interface InterviewContext {
  prompter: Prompter;
  lang: Lang;
  boards: readonly ShippedBoard[];
  /** The serial adapters plugged in now; asked again whenever the installer presses Enter. */
  listAdapters: () => SerialAdapter[];
}

/**
 * The questions of an interactive `elevgw init`, in the order an installer has the answers at
 * hand on site: the gateway, then each lift from its registration certificate and the
 * machine room, then the platform's broker. Every answer is checked as it is typed and asked
 * again with the reason; a default is shown in brackets and taken with Enter.
 */
export async function interview(ctx: InterviewContext): Promise<Answers> {
  const ask = asker(ctx);
  const { prompter: p, lang } = ctx;
  p.print(
    say(
      {
        zh: 'elevgw 网关配置。每项输入后即校验；方括号内为默认值，直接回车采用。Ctrl-C 退出，不写入任何文件。',
        en: 'elevgw gateway setup. Each answer is checked as you type it; Enter takes the [default]. Ctrl-C quits without writing anything.',
      },
      lang,
    ),
  );
  const gatewayId = await ask({ zh: '网关编号', en: 'Gateway id' }, checkGatewayId);
  const site = await ask({ zh: '站点名称', en: 'Site name' }, checkText, '');
  const address = await ask({ zh: '地址', en: 'Address' }, checkText, '');
  const count = await ask({ zh: '电梯数量', en: 'Number of elevators' }, checkCount, '1');
  const elevators: ElevatorAnswers[] = [];
  for (let i = 0; i < count; i++) {
    p.print(`\n${say({ zh: `— 第 ${i + 1} 部电梯 —`, en: `— Elevator ${i + 1} of ${count} —` }, lang)}`);
    elevators.push(await askElevator(ctx, i, elevators));
  }
  p.print('');
  const url = await ask({ zh: 'MQTT 服务器地址', en: 'Broker URL' }, checkBrokerUrl);
  const username = await ask({ zh: '用户名', en: 'User name' }, checkUsername, gatewayId);
  const password = await ask({ zh: '密码（不显示；留空表示仅用证书认证）', en: 'Password (not shown; empty: certificate only)' }, (s) => ok(s === '' ? undefined : s), '', {
    secret: true,
  });
  const ca = await ask({ zh: 'CA 证书文件（留空：系统 CA）', en: 'Broker CA certificate file (empty: the system CAs)' }, checkCaFile, '');
  const answers: Answers = {
    gatewayId,
    site,
    address,
    elevators,
    broker: { url, username, ...(password !== undefined ? { password } : {}), ...(ca !== undefined ? { ca } : {}) },
  };
  p.print(`\n${summary(answers, lang).join('\n')}`);
  const write = await ask({ zh: '写入以上配置？(y/n)', en: 'Write this configuration? (y/n)' }, checkYesNo, 'y');
  if (!write) throw new ElevgwError('INIT_REFUSED', say({ zh: '已取消，未写入任何文件', en: 'cancelled: nothing was written' }, lang));
  return answers;
}

/** What will be written, for a last look before it is. */
function summary(a: Answers, lang: Lang): string[] {
  const where = (c: ConnectionAnswer) =>
    c.kind === 'serial' ? `${c.path}${c.unitId ? ` unit ${c.unitId}` : ''}` : c.kind === 'tcp' ? `${c.host}:${c.port} unit ${c.unitId ?? 1}` : 'GPIO';
  return [
    `${say({ zh: '网关', en: 'Gateway' }, lang)}: ${a.gatewayId}${a.site ? ` — ${a.site}` : ''}${a.address ? `, ${a.address}` : ''}`,
    ...a.elevators.map(
      (e) =>
        `  ${e.id} ${e.registrationCode} ${e.board.id} @ ${where(e.connection)}, ${e.floors.length} ${say({ zh: '层', en: 'floors' }, lang)} (${e.floors[0]!.label}…${e.floors[e.floors.length - 1]!.label}), ${e.ratedSpeedMps} m/s`,
    ),
    `${say({ zh: '服务器', en: 'Broker' }, lang)}: ${a.broker.url} (${a.broker.username}${a.broker.password !== undefined ? ', ******' : ''})`,
  ];
}

const checkYesNo: Check<boolean> = (s) => (/^(y|yes|是)$/i.test(s) ? ok(true) : /^(n|no|否)$/i.test(s) ? ok(false) : refuse('请输入 y 或 n', 'type y or n'));

async function askElevator(ctx: InterviewContext, i: number, before: readonly ElevatorAnswers[]): Promise<ElevatorAnswers> {
  const ask = asker(ctx);
  const prev = before[before.length - 1];
  const taken = new Set(before.map((e) => e.id));
  const id = await ask({ zh: '电梯编号', en: 'Elevator id' }, unique(checkElevatorId, taken, { zh: '该编号已用于前一部电梯', en: 'an earlier elevator has this id' }), `L${i + 1}`);
  const codes = new Set(before.map((e) => e.registrationCode));
  const registrationCode = await ask(
    { zh: '使用登记代码（20 位）', en: 'Registration code (20 characters)' },
    unique(checkRegistrationCode, codes, { zh: '该代码已用于前一部电梯', en: 'an earlier elevator has this code' }),
  );
  const rescueCode = await ask({ zh: '救援识别码', en: 'Rescue code' }, checkRescueCode);
  ctx.prompter.print(ctx.boards.map((b, n) => `  ${n + 1}) ${b.id} — ${b.description}`).join('\n'));
  const board = await ask({ zh: '采集板（编号或名称）', en: 'Board (number or id)' }, checkBoard(ctx.boards), prev?.board.id);
  const floors = await ask(
    { zh: '楼层（名称:高度毫米，自下而上，如 B1:0 1:3300 2:6300，或 1..18@3000）', en: 'Floors (LABEL:LEVEL_MM bottom up, e.g. B1:0 1:3300 2:6300, or 1..18@3000)' },
    checkFloors,
    prev && formatFloors(prev.floors),
  );
  const ratedSpeedMps = await ask({ zh: '额定速度（米/秒）', en: 'Rated speed (m/s)' }, checkRatedSpeed, prev && String(prev.ratedSpeedMps));
  for (;;) {
    const connection = await askConnection(ctx, board, prev?.connection);
    const conflict = busConflict({ id, board, connection }, before);
    if (!conflict) return { id, registrationCode, rescueCode, board, floors, ratedSpeedMps, connection };
    ctx.prompter.print(`  ✗ ${say(conflict.why, ctx.lang)}`);
  }
}

async function askConnection(ctx: InterviewContext, board: ShippedBoard, prev: ConnectionAnswer | undefined): Promise<ConnectionAnswer> {
  const ask = asker(ctx);
  const modbus = board.transport.startsWith('modbus');
  let need = board.needs;
  if (need === 'none') return { kind: 'none' };
  if (need === 'serial-or-tcp') {
    const viaSerial = await ask(
      { zh: '连接方式：serial（RS-485 串口）或 tcp（Modbus TCP）', en: 'Connection: serial (RS-485) or tcp (Modbus TCP)' },
      checkSerialOrTcp,
      prev?.kind === 'tcp' ? 'tcp' : 'serial',
    );
    need = viaSerial ? 'serial' : 'tcp';
  }
  if (need === 'tcp') {
    const at = await ask(
      { zh: 'Modbus TCP 地址（主机[:端口]）', en: 'Modbus TCP address (HOST[:PORT])' },
      checkHostPort,
      prev?.kind === 'tcp' ? `${prev.host}:${prev.port}` : undefined,
    );
    const unitId = await ask({ zh: 'Modbus 从站地址', en: 'Modbus unit id' }, checkUnitId, '1');
    return { kind: 'tcp', ...at, unitId };
  }
  const path = await chooseAdapter(ctx, prev?.kind === 'serial' ? prev.path : undefined);
  if (!modbus) return { kind: 'serial', path };
  const baudRate = await ask({ zh: '波特率', en: 'Baud rate' }, checkBaudRate, prev?.kind === 'serial' && prev.baudRate ? String(prev.baudRate) : '9600');
  const unitId = await ask({ zh: 'Modbus 从站地址', en: 'Modbus unit id' }, checkUnitId, prev?.kind === 'serial' && prev.unitId ? String(prev.unitId + 1) : '1');
  return { kind: 'serial', path, baudRate, unitId };
}

/** The serial port, chosen from the adapters plugged in now; Enter with none listed looks again. */
async function chooseAdapter(ctx: InterviewContext, prevPath: string | undefined): Promise<string> {
  const { prompter: p, lang } = ctx;
  for (;;) {
    const adapters = ctx.listAdapters();
    if (adapters.length === 0) {
      await p.question(
        `${say({ zh: '未发现串口适配器。请插入 USB RS-485 适配器后按回车', en: 'No serial adapter found. Plug in the USB RS-485 adapter and press Enter' }, lang)} `,
      );
      continue;
    }
    p.print(say({ zh: '已连接的串口适配器：', en: 'Serial adapters present:' }, lang));
    p.print(adapters.map((a, n) => `  ${n + 1}) ${a.path} (${a.device})`).join('\n'));
    const prevIndex = adapters.findIndex((a) => a.path === prevPath);
    const choice = await asker(ctx)(
      { zh: '串口（编号；r 重新扫描）', en: 'Serial port (number; r to scan again)' },
      checkChoice(adapters.length),
      String(prevIndex >= 0 ? prevIndex + 1 : 1),
    );
    if (choice !== 'rescan') return adapters[choice - 1]!.path;
  }
}

function checkChoice(n: number): Check<number | 'rescan'> {
  return (s) => {
    if (s.toLowerCase() === 'r') return ok('rescan');
    const v = Number(s);
    return /^\d+$/.test(s) && v >= 1 && v <= n ? ok(v) : refuse(`请输入 1 到 ${n} 之间的编号`, `choose a number from 1 to ${n}`);
  };
}

const checkCount: Check<number> = (s) => (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 16 ? ok(Number(s)) : refuse('电梯数量为 1–16', 'the number of elevators is 1–16'));

const checkSerialOrTcp: Check<boolean> = (s) => (s === 'serial' || s === 'tcp' ? ok(s === 'serial') : refuse('请输入 serial 或 tcp', 'type serial or tcp'));

function unique(check: Check<string>, taken: ReadonlySet<string>, why: Text): Check<string> {
  return (s) => {
    const r = check(s);
    return r.ok && taken.has(r.value) ? { ok: false, why } : r;
  };
}

/** Asks until the answer passes its check; the reason for a refusal is shown before asking again. */
function asker(ctx: InterviewContext) {
  return async <T>(label: Text, check: Check<T>, fallback?: string, opts: { secret?: boolean } = {}): Promise<T> => {
    const shown = fallback !== undefined && fallback !== '' && !opts.secret ? ` [${fallback}]` : '';
    for (;;) {
      const typed = await ctx.prompter.question(`${say(label, ctx.lang)}${shown}: `, opts);
      const answer = opts.secret ? typed : typed.trim();
      const r = check(answer === '' && fallback !== undefined ? fallback : answer);
      if (r.ok) return r.value;
      ctx.prompter.print(`  ✗ ${say(r.why, ctx.lang)}`);
    }
  };
}
