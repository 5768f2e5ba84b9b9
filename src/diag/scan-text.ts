import { defineMessages, formatDuration, type Lang, msg } from './i18n.js';
import type { Budget } from './scan-budget.js';
import type { Mismatch } from './profile-match.js';
import type { FoundDevice, LineSummary } from './scan.js';
import { describeTarget, type ScanTarget, type Unavailability } from './scan-line.js';
import { describeSetting, type LineSetting } from './scan-settings.js';

/** Every line `diag scan` prints for a person, in Chinese and English. */
export const scanTexts = defineMessages({
  budget: msg<{ budget: string; units: number; bauds: number; parities: number; where: string; perDevice: string }>(
    (p) =>
      `Scanning ${p.where}: up to ${p.budget} (${p.units} units × ${p.bauds} bauds × ${p.parities} parities, stopping early on a silent line), plus up to ${p.perDevice} per device found`,
    (p) => `扫描 ${p.where}：最长 ${p.budget}（${p.units} 个站号 × ${p.bauds} 种波特率 × ${p.parities} 种校验，线路静默时提前结束），每找到一台设备另加最多 ${p.perDevice}`,
  ),
  budgetTcp: msg<{ budget: string; units: number; where: string; perDevice: string }>(
    (p) => `Scanning ${p.where}: up to ${p.budget} (${p.units} units), plus up to ${p.perDevice} per device found`,
    (p) => `扫描 ${p.where}：最长 ${p.budget}（${p.units} 个站号），每找到一台设备另加最多 ${p.perDevice}`,
  ),
  sameTarget: msg<{ where: string; first: string }>(
    (p) => (p.where === p.first ? `${p.where} is named twice: scanned once` : `${p.where} is the same port as ${p.first}: scanned once`),
    (p) => (p.where === p.first ? `${p.where} 重复指定：只扫描一次` : `${p.where} 与 ${p.first} 是同一个端口：只扫描一次`),
  ),
  line: msg<{ line: string; timeoutMs: number }>(
    (p) => `→ ${p.line} (${p.timeoutMs} ms per unit)`,
    (p) => `→ ${p.line}（每个站号等待 ${p.timeoutMs} ms）`,
  ),
  barUnit: msg<{ unit: number }>(
    (p) => `unit ${p.unit}`,
    (p) => `站号 ${p.unit}`,
  ),
  silent: msg<{ after: number }>(
    (p) => `  silent after ${p.after} unit ids: nothing at this setting, next`,
    (p) => `  前 ${p.after} 个站号毫无回应：此设置下没有设备，跳过`,
  ),
  silentAll: msg(
    () => '  silent: nothing answered at this setting',
    () => '  无回应：此设置下没有设备',
  ),
  garbage: msg(
    () => '  bytes came back but no valid answer: a wrong baud rate or parity, noise, or another master on the bus',
    () => '  收到字节但不是有效应答：波特率或校验不对、线路干扰，或总线上还有另一个主站',
  ),
  late: msg<{ unit: number; afterMs: number; timeoutMs: number; found: boolean }>(
    (p) => `  unit ${p.unit} answered after the timeout (${p.afterMs} ms): try --timeout ${p.timeoutMs}${p.found ? ' (found with it)' : ''}`,
    (p) => `  站号 ${p.unit} 在超时后才应答（${p.afterMs} ms）：请用 --timeout ${p.timeoutMs}${p.found ? '（用它已找到）' : ''}`,
  ),
  slow: msg<{ afterMs: number }>(
    (p) => ` (answers slowly, after ${p.afterMs} ms: give it a longer timeout)`,
    (p) => `（应答慢，${p.afterMs} ms 后才应答：请设更长的超时）`,
  ),
  noneStoppedEarly: msg<{ took: string; tried: string; stopped: number; settings: number }>(
    (p) =>
      `no device answered (${p.took}), but only unit ids ${p.tried} were tried ${p.stopped === p.settings ? 'at each setting' : `at ${p.stopped} of ${p.settings} settings`} (a silent setting is given up early): a device at another id is found by naming it, --units <id> (e.g. --units 100), or ten ids at a time (--units 11-20); otherwise check the wiring (A/B swapped?), the 120 Ω termination, the device's power and line settings`,
    (p) =>
      `没有设备应答（用时 ${p.took}），但${p.stopped === p.settings ? '每种设置下' : `${p.settings} 种设置中有 ${p.stopped} 种`}只试了站号 ${p.tried}（线路静默时提前结束）：其他站号的设备请直接指定，--units <站号>（如 --units 100），或每次十个（--units 11-20）；否则请检查接线（A/B 是否接反）、120 Ω 终端电阻、设备电源和通信参数`,
  ),
  noneLate: msg<{ took: string; late: string }>(
    (p) => `no device answered in time (${p.took}): ${p.late}`,
    (p) => `没有设备及时应答（用时 ${p.took}）：${p.late}`,
  ),
  answered: msg<{ units: string }>(
    (p) => `  unit ${p.units} answers`,
    (p) => `  站号 ${p.units} 有应答`,
  ),
  matching: msg<{ units: string }>(
    (p) => `  matching unit ${p.units} against the board profiles (two reads 1.2 s apart for the heartbeat)`,
    (p) => `  将站号 ${p.units} 与板卡配置比对（心跳读两次，间隔 1.2 秒）`,
  ),
  device: msg<{ unit: string; line: string; also: string; profile: string | null; fits: string }>(
    (p) => `${p.profile ? '✓' : '?'} unit ${p.unit} on ${p.line}${p.also}: ${p.profile ?? 'no shipped board profile fits'}${p.fits}`,
    (p) => `${p.profile ? '✓' : '?'} 站号 ${p.unit}，${p.line}${p.also}：${p.profile ?? '没有匹配的板卡配置'}${p.fits}`,
  ),
  alsoParity: msg<{ settings: string }>(
    (p) => ` (also answers at ${p.settings}: parity goes unchecked, take the device's documented one)`,
    (p) => `（在 ${p.settings} 下也有应答：校验位未被检查，请以设备说明书为准）`,
  ),
  anyUnit: msg(
    () => ' (answers every unit id)',
    () => '（任何站号都应答）',
  ),
  alsoFits: msg<{ ids: string }>(
    (p) => ` — also fits ${p.ids}`,
    (p) => ` —— 也符合 ${p.ids}`,
  ),
  whyNot: msg<{ profile: string; why: string }>(
    (p) => `    ${p.profile}: ${p.why}`,
    (p) => `    ${p.profile}：${p.why}`,
  ),
  readFailed: msg<{ block: string; code: string; exception?: number }>(
    (p) => `${p.block}: ${p.exception === undefined ? (p.code === 'MODBUS_TIMEOUT' ? 'no answer' : p.code) : `exception ${p.exception}`}`,
    (p) => `${p.block}：${p.exception === undefined ? (p.code === 'MODBUS_TIMEOUT' ? '无应答' : p.code) : `异常码 ${p.exception}`}`,
  ),
  outOfRange: msg<{ point: string; value: number; min: number; max: number }>(
    (p) => `${p.point} = ${p.value}, outside ${p.min}…${p.max}`,
    (p) => `${p.point} = ${p.value}，超出 ${p.min}…${p.max}`,
  ),
  strayBits: msg<{ block: string; word: string; bit: number }>(
    (p) => `${p.block} = ${p.word} has bits set above bit ${p.bit}: not this status word`,
    (p) => `${p.block} = ${p.word}，第 ${p.bit} 位以上有置位：不是这个状态字`,
  ),
  doorBoth: msg(
    () => 'door fully closed and fully open at once',
    () => '门同时显示全关和全开',
  ),
  heartbeatFrozen: msg<{ point: string; value: number; seconds: string }>(
    (p) => `${p.point} stayed ${p.value} for ${p.seconds} s (no running controller)`,
    (p) => `${p.point} 在 ${p.seconds} 秒内保持 ${p.value} 不变（不是运行中的控制器）`,
  ),
  found: msg<{ n: number; took: string; budget: string }>(
    (p) => `${p.n} device(s) found in ${p.took} (announced: up to ${p.budget})`,
    (p) => `共找到 ${p.n} 台设备，用时 ${p.took}（预计最长 ${p.budget}）`,
  ),
  noneTcp: msg<{ took: string; ports: string }>(
    (p) =>
      `no device answered (${p.took}): the connection was accepted, so check the unit id the device expects (behind a TCP-to-RTU gateway, the serial device's own address, and the gateway's serial settings), the port (${p.ports}; 502 unless HOST:PORT), and that the device's Modbus TCP server is enabled`,
    (p) =>
      `没有设备应答（用时 ${p.took}）：连接已建立，请检查设备要求的站号（经 TCP 转 RTU 网关时是串口设备自己的地址，以及网关的串口参数）、端口（${p.ports}；未写 HOST:PORT 时为 502），以及设备的 Modbus TCP 服务是否已开启`,
  ),
  interrupted: msg<{ n: number; took: string; probes: number; total: number }>(
    (p) => `scan interrupted after ${p.probes} of up to ${p.total} probes (${p.took}): ${p.n} device(s) found so far, the rest of the range was not scanned`,
    (p) => `扫描在 ${p.probes}/${p.total} 次探测后被中断（用时 ${p.took}）：目前找到 ${p.n} 台设备，其余范围未扫描`,
  ),
  none: msg<{ took: string }>(
    (p) => `no device answered (${p.took}): check the wiring (A/B swapped?), the 120 Ω termination, the device's power, its address and line settings`,
    (p) => `没有设备应答（用时 ${p.took}）：请检查接线（A/B 是否接反）、120 Ω 终端电阻、设备电源、站号和通信参数`,
  ),
  heldByService: msg<{ where: string; elevators: string }>(
    (p) =>
      `✗ ${p.where} is in use by the running elevgw service (elevator ${p.elevators}): a scan would fight it for the bus. See the live values with "elevgw diag live" instead, or stop the service first (systemctl stop elevgw).`,
    (p) => `✗ ${p.where} 正被运行中的 elevgw 服务使用（电梯 ${p.elevators}）：扫描会与它争用总线。请改用 "elevgw diag live" 查看实时数据，或先停止服务（systemctl stop elevgw）。`,
  ),
  unavailable: msg<{ where: string; why: Unavailability; detail: string }>(
    (p) =>
      ({
        locked: `✗ ${p.where} is in use by another program, most likely the elevgw service: see the live values with "elevgw diag live" instead, or find the program with: fuser ${p.where}`,
        missing: `✗ ${p.where} does not exist: is the RS-485 adapter plugged in? (ls /dev/serial/by-id)`,
        denied: `✗ no permission to open ${p.where}: add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again`,
        refused: `✗ cannot reach ${p.where} (${p.detail}): is the device on and the address right?`,
        lost: `✗ ${p.where} went away during the scan (${p.detail}): adapter unplugged?`,
        other: `✗ cannot use ${p.where}: ${p.detail}`,
      })[p.why],
    (p) =>
      ({
        locked: `✗ ${p.where} 正被其他程序占用，多半是 elevgw 服务：请改用 "elevgw diag live" 查看实时数据，或用 fuser ${p.where} 找出占用的程序`,
        missing: `✗ ${p.where} 不存在：RS-485 转换器插好了吗？（ls /dev/serial/by-id）`,
        denied: `✗ 没有权限打开 ${p.where}：请把自己加入 dialout 组（sudo usermod -aG dialout $USER）后重新登录`,
        refused: `✗ 无法连接 ${p.where}（${p.detail}）：设备是否开机、地址是否正确？`,
        lost: `✗ 扫描中 ${p.where} 断开了（${p.detail}）：转换器被拔掉了？`,
        other: `✗ 无法使用 ${p.where}：${p.detail}`,
      })[p.why],
  ),
});

type ScanTexts = ReturnType<typeof scanTexts>;

function why(t: ScanTexts, w: Mismatch): string {
  switch (w.kind) {
    case 'read-failed':
      return t.readFailed({ block: `${w.table} ${w.address}–${w.address + w.count - 1}`, code: w.code, ...(w.exception === undefined ? {} : { exception: w.exception }) });
    case 'out-of-range':
      return t.outOfRange(w);
    case 'stray-bits':
      return t.strayBits({ block: `${w.table} ${w.address}`, word: `0x${w.word.toString(16).toUpperCase().padStart(4, '0')}`, bit: w.highestBit });
    case 'door-closed-and-open':
      return t.doorBoth();
    case 'heartbeat-frozen':
      return t.heartbeatFrozen({ point: w.point, value: w.value, seconds: (w.afterMs / 1000).toFixed(1) });
  }
}

/** One device: its line, and why each profile does not fit when none does. */
export function deviceLines(d: FoundDevice, lang: Lang): string[] {
  const t = scanTexts(lang);
  const also = [
    d.setting && d.otherParities.length > 0 ? t.alsoParity({ settings: d.otherParities.map((p) => describeSetting({ baudRate: d.setting!.baudRate, parity: p })).join(', ') }) : '',
    d.anyUnit ? t.anyUnit() : '',
    d.slowMs === undefined ? '' : t.slow({ afterMs: d.slowMs }),
  ].join('');
  const others = d.match.fits.filter((id) => id !== d.match.best);
  const head = t.device({
    unit: String(d.unitId),
    line: describeTarget(d.target, d.setting),
    also,
    profile: d.match.best,
    fits: others.length > 0 ? t.alsoFits({ ids: others.join(', ') }) : '',
  });
  if (d.match.best) return [head];
  return [head, ...d.match.verdicts.flatMap((v) => (v.fits ? [] : [t.whyNot({ profile: v.profile, why: why(t, v.why) })]))];
}

/** Each unit of a finished line setting that answered only after the timeout. */
export function lateLines(l: LineSummary, lang: Lang): string[] {
  const t = scanTexts(lang);
  return l.late.map((x) => t.late({ unit: x.unitId, afterMs: x.afterMs, timeoutMs: x.timeoutMs, found: x.found }));
}

/** What a finished line setting sounded like. */
export function lineDoneLine(l: LineSummary, lang: Lang): string {
  const t = scanTexts(lang);
  if (l.heard === 'answers') return t.answered({ units: l.found.join(', ') });
  if (l.heard === 'late') return lateLines(l, lang).join('\n');
  if (l.heard === 'garbage') return t.garbage();
  if (l.heard === 'silent') return l.stoppedEarly ? t.silent({ after: l.probed }) : t.silentAll();
  return t.silentAll();
}

/**
 * The verdict when no device was found: a device that answered too late is named with the
 * --timeout that takes it, before the wiring is suspected.
 */
export function noneLine(lines: readonly LineSummary[], units: readonly number[], took: string, lang: Lang): string {
  const t = scanTexts(lang);
  const late = lines.flatMap((l) => l.late);
  if (late.length > 0) return t.noneLate({ took, late: late.map((x) => t.late({ unit: x.unitId, afterMs: x.afterMs, timeoutMs: x.timeoutMs, found: false }).trim()).join('; ') });
  // No A/B wires or terminators on a TCP connection: only TCP advice when every target was a host.
  if (lines.length > 0 && lines.every((l) => l.target.kind === 'tcp')) {
    return t.noneTcp({ took, ports: [...new Set(lines.map((l) => (l.target.kind === 'tcp' ? l.target.port : 0)))].join(', ') });
  }
  const stopped = lines.filter((l) => l.stoppedEarly);
  if (stopped.length === 0) return t.none({ took });
  // A silent setting stops after the same first ids everywhere: those are the ones tried.
  const tried = idRanges(units.slice(0, Math.max(...stopped.map((l) => l.probed))));
  return t.noneStoppedEarly({ took, tried, stopped: stopped.length, settings: lines.length });
}

/** 1,2,3,5 → "1–3, 5". */
function idRanges(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j > i ? `${ids[i]}–${ids[j]}` : String(ids[i]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The budget, announced before the scan starts. */
export function announceLine(lang: Lang, targets: readonly ScanTarget[], units: number, settings: readonly LineSetting[], budget: Budget): string {
  const t = scanTexts(lang);
  const common = {
    budget: formatDuration(budget.searchMs, lang),
    units,
    where: targets.map((x) => describeTarget(x)).join(', '),
    perDevice: formatDuration(budget.perDeviceMs, lang),
  };
  if (!targets.some((x) => x.kind === 'rtu')) return t.budgetTcp(common);
  return t.budget({ ...common, bauds: new Set(settings.map((s) => s.baudRate)).size, parities: new Set(settings.map((s) => s.parity)).size });
}
