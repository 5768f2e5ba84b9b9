import { createInterface } from 'node:readline/promises';
import { z } from 'zod';
import { FieldBuses } from '../../drivers/buses.js';
import { createDriver } from '../../drivers/factory.js';
import { type LoadedElevator, loadConfig } from '../config/load.js';
import { systemClock } from '../core/clock.js';
import { ElevgwError, isElevgwError } from '../core/errors.js';
import { MIN_SAMPLES } from '../signals/fusion/drift.js';
import { createLogger } from '../core/log.js';
import { defineMessages, msg, resolveLang } from '../diag/i18n.js';
import { checkShaft, runLearning } from '../diag/learn/run.js';
import { learnedConfigText } from '../diag/learn/write.js';
import { assertConfigReplaceable, replaceConfigFile } from '../config/replace-file.js';
import type { LearnResult } from '../signals/fusion/learn.js';
import { parseArg } from './args.js';
import { gatewayAnswers } from './diag-client.js';
import { DIAG_EXIT } from './diag-signals.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface LearnOpts {
  config: string;
  elevator?: string;
  check?: boolean;
  yes?: boolean;
  timeout: string;
  /** --check: stop after this many stops; by default, once every landing can be judged. */
  stops?: string;
  json?: boolean;
  lang?: string;
}

const learnTexts = defineMessages({
  notRetrofit: msg<{ elevator: string; board: string }>(
    (p) => `${p.elevator} uses board ${p.board}, which reads position from a controller: nothing to learn (retrofit boards only)`,
    (p) => `${p.elevator} 使用采集板 ${p.board}，位置来自控制器：无需学习（仅加装传感器盒）`,
  ),
  instructions: msg<{ n: number }>(
    (p) =>
      `Learning run: put the car at the BOTTOM landing, doors open. Then send it to every landing up to the top (${p.n} landings) and back down to the bottom, standing at least 5 s at each with the doors open.`,
    (p) => `学习运行：先将轿厢停在最底层，开门。然后依次运行到每一层直到顶层（共 ${p.n} 层），再逐层返回底层，每层开门停留至少 5 秒。`,
  ),
  progress: msg<{ visited: number; n: number; at: string }>(
    (p) => `  landings recorded ${p.visited}/${p.n}${p.at ? `, standing at ${p.at}` : ''}`,
    (p) => `  已记录 ${p.visited}/${p.n} 层${p.at ? `，当前停在 ${p.at}` : ''}`,
  ),
  landing: msg<{ label: string; level: number; measured: number; pa: number; upper: string; lower: string }>(
    (p) => `  ${p.label.padEnd(4)} level ${p.level} mm (measured ${p.measured})  pressure ${p.pa} Pa  upper sensor ${p.upper} mm  lower ${p.lower} mm`,
    (p) => `  ${p.label.padEnd(4)} 平层 ${p.level} mm（实测 ${p.measured}）  气压 ${p.pa} Pa  上传感器 ${p.upper} mm  下传感器 ${p.lower} mm`,
  ),
  summary: msg<{ drift: number; ratio: number }>(
    (p) => `weather drift during the run ${p.drift} Pa/min; accelerometer sensitivity ×${p.ratio}`,
    (p) => `运行期间气压漂移 ${p.drift} Pa/分；加速度计灵敏度 ×${p.ratio}`,
  ),
  incomplete: msg<{ reason: string }>(
    (p) => `learning run incomplete: ${p.reason}`,
    (p) => `学习运行未完成：${p.reason}`,
  ),
  confirm: msg<{ file: string }>(
    (p) => `Write the levels and the learned shaft into ${p.file}? [y/N] `,
    (p) => `将平层位置和学习结果写入 ${p.file}？[y/N] `,
  ),
  written: msg<{ file: string; backup: string }>(
    (p) => `written to ${p.file} (the old one kept as ${p.backup}); restart the gateway`,
    (p) => `已写入 ${p.file}（原文件保存为 ${p.backup}）；请重启网关`,
  ),
  notLost: msg<{ file: string }>(
    (p) => `the learned table is not lost: the whole new config follows; save it as ${p.file} (e.g. paste it into sudo tee ${p.file}), or run elevgw diag learn again with sudo`,
    (p) => `学习结果未丢失：完整的新配置如下；请将其保存为 ${p.file}（例如粘贴到 sudo tee ${p.file}），或用 sudo 重新运行 elevgw diag learn`,
  ),
  notLostJson: msg(
    () => 'the learned table is not lost: it is in the JSON above; or run elevgw diag learn again with sudo',
    () => '学习结果未丢失：见上方 JSON；或用 sudo 重新运行 elevgw diag learn',
  ),
  interrupted: msg(
    () => 'stopped with Ctrl-C: nothing written',
    () => '已按 Ctrl-C 停止：未写入',
  ),
  notWritten: msg(
    () => 'nothing written',
    () => '未写入',
  ),
  heldByService: msg<{ file: string; elevator: string }>(
    (p) =>
      `✗ the elevgw service is running on ${p.file} and reads the sensor box of ${p.elevator}: a learning run beside it would drain the box's readings in two places. Stop the service first (systemctl stop elevgw), then start it again after the run.`,
    (p) => `✗ elevgw 服务正在使用 ${p.file} 运行，并读取 ${p.elevator} 的传感器盒：同时进行学习运行会与它争用传感器数据。请先停止服务（systemctl stop elevgw），学习完成后再启动。`,
  ),
  noShaft: msg<{ elevator: string }>(
    (p) => `${p.elevator} has no learned shaft yet: run elevgw diag learn without --check first`,
    (p) => `${p.elevator} 尚无学习结果：请先运行不带 --check 的 elevgw diag learn`,
  ),
  checkHead: msg<{ stops: number }>(
    (p) => `checked over ${p.stops} stops:`,
    (p) => `共检查 ${p.stops} 次停靠：`,
  ),
  drifted: msg<{ label: string; baro: number; edge: number }>(
    (p) => `  ${p.label.padEnd(4)} anchors drifted: pressure signature ${p.baro} m, vane edges ${p.edge} mm`,
    (p) => `  ${p.label.padEnd(4)} 锚点漂移：气压特征 ${p.baro} m，门区磁铁边沿 ${p.edge} mm`,
  ),
  relearn: msg(
    () => 'the learned shaft no longer fits: run elevgw diag learn again (a new learning run)',
    () => '学习结果已不符合井道：请重新运行 elevgw diag learn',
  ),
  fits: msg(
    () => 'the learned shaft still fits',
    () => '学习结果仍然符合井道',
  ),
  tooFew: msg<{ stops: number; asked: number }>(
    (p) => `only ${p.stops} of ${p.asked} stops before --timeout: too few to tell whether the learned shaft still fits; check again with more time`,
    (p) => `超时前仅停靠 ${p.stops} 次（要求 ${p.asked} 次）：不足以判断学习结果是否仍符合井道；请延长时间再检查`,
  ),
  notAllJudged: msg<{ stops: number; min: number }>(
    (p) => `${p.stops} stops before --timeout, not ${p.min} at every landing: too few to tell whether the learned shaft still fits; check again with more time`,
    (p) => `超时前停靠 ${p.stops} 次，未在每一层各停靠 ${p.min} 次：不足以判断学习结果是否仍符合井道；请延长时间再检查`,
  ),
  noneJudged: msg<{ stops: number; min: number }>(
    (p) =>
      `no landing had ${p.min} stops in ${p.stops}: cannot tell whether the learned shaft still fits; check again with more --stops, or without --stops (until every landing is judged)`,
    (p) => `${p.stops} 次停靠中没有任何一层达到 ${p.min} 次：无法判断学习结果是否仍符合井道；请增加 --stops 或不带 --stops 再检查（直到每一层都能判断）`,
  ),
  fitsJudged: msg(
    () => 'the learned shaft still fits at the landings judged',
    () => '已判断的各层学习结果仍然符合井道',
  ),
  unjudged: msg<{ labels: string; min: number }>(
    (p) => `  not judged (fewer than ${p.min} stops there): ${p.labels}`,
    (p) => `  未判断（停靠少于 ${p.min} 次）：${p.labels}`,
  ),
});

function pickElevator(elevators: readonly LoadedElevator[], id: string | undefined): LoadedElevator {
  const e = id === undefined ? elevators[0] : elevators.find((x) => x.config.id === id);
  if (!e) throw new ElevgwError('CONFIG_INVALID', `--elevator: no elevator "${id}" (expected one of: ${elevators.map((x) => x.config.id).join(', ')})`);
  return e;
}

/** `elevgw diag learn` (diag-learn.ts declares its options): the run or the check; the exit code. */
export async function learn(opts: LearnOpts): Promise<number> {
  const t = learnTexts(resolveLang(opts.lang));
  const timeoutMs = parseArg(z.coerce.number().positive().max(86_400), opts.timeout, '--timeout') * 1000;
  const stops = opts.stops === undefined ? undefined : parseArg(z.coerce.number().int().positive().max(1000), opts.stops, '--stops');
  const config = loadConfig(opts.config);
  const e = pickElevator(config.elevators, opts.elevator);
  const board = e.board;
  if (board.transport !== 'retrofit-firmata' && board.transport !== 'retrofit-i2c') {
    console.error(t.notRetrofit({ elevator: e.config.id, board: board.id }));
    return DIAG_EXIT.usage;
  }
  const shaft = e.config.shaft;
  // Before the box is opened: with nothing learned there is nothing to check, box or no box.
  if (opts.check && !shaft) {
    console.error(t.noShaft({ elevator: e.config.id }));
    return DIAG_EXIT.usage;
  }
  // The service polling the same box would drain its buffer too (an I²C box's FIFO): neither would see every sample.
  if (await gatewayAnswers(config.diagSocketPath)) {
    const problem = t.heldByService({ file: opts.config, elevator: e.config.id });
    if (opts.json)
      console.log(
        JSON.stringify({
          elevator: e.config.id,
          ok: false,
          reason: 'held-by-service',
          problem: learnTexts('en').heldByService({ file: opts.config, elevator: e.config.id }).replace(/^✗ /, ''),
        }),
      );
    console.error(problem);
    return DIAG_EXIT.unreachable;
  }
  // Minutes of car trips must not end in a config this user may not replace: ask before the run.
  if (!opts.check && (opts.yes === true || (process.stdin.isTTY && !opts.json))) assertConfigReplaceable(config.file);
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const driver = await createDriver({ board, connection: e.config.connection, clock: systemClock, logger, buses: new FieldBuses() });
  await driver.open();
  const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  // Ctrl-C (or a service manager's SIGTERM) ends the run, the check or the prompt, not the process:
  // the box is closed, nothing is written, exit 1 (incomplete), as diag scan keeps to 0–3. A second one kills at once.
  const interrupt = new AbortController();
  const stop = () => interrupt.abort();
  for (const s of STOP_SIGNALS) process.once(s, stop);
  const signal = interrupt.signal;
  const labels = e.config.floors.map((f) => f.label);
  try {
    // Whether the box opened: its health reads 'lost' until a first good poll, which is the run's own.
    const h = driver.health();
    if (h.link !== 'open') {
      console.error(`${h.lastErrorCode ?? 'DRIVER_OPEN_FAILED'}: ${h.lastError ?? `${board.id} could not be opened`}`);
      return DIAG_EXIT.unreachable;
    }
    if (opts.check && shaft) {
      const floorLevelsMm = e.config.floors.map((f) => f.levelMm);
      const r = await checkShaft({ driver, board, clock: systemClock, wait, timeoutMs, signal, floorLevelsMm, shaft, ...(stops === undefined ? {} : { stops }) });
      // Drift found is found however few the stops; "still fits" needs the stops asked for and a
      // landing judged in them (the others are named), or by default every landing judged.
      const noneJudged = r.unjudged.length >= labels.length;
      const complete = stops === undefined ? r.unjudged.length === 0 : r.stops >= stops && !noneJudged;
      if (opts.json) console.log(JSON.stringify({ elevator: e.config.id, ...r, asked: stops ?? null, complete, relearn: r.advised.length > 0 }));
      else {
        console.log(t.checkHead({ stops: r.stops }));
        for (const d of r.advised) console.log(t.drifted({ label: labels[d.landing] ?? String(d.landing), baro: d.baroM, edge: d.edgeMm }));
        if (r.unjudged.length > 0) console.log(t.unjudged({ labels: r.unjudged.map((l) => labels[l] ?? String(l)).join(', '), min: MIN_SAMPLES }));
        console.log(r.advised.length > 0 ? t.relearn() : complete ? (r.unjudged.length > 0 ? t.fitsJudged() : t.fits()) : cannotTell(t, r.stops, stops, noneJudged));
      }
      return r.advised.length > 0 || !complete ? DIAG_EXIT.checkFailed : DIAG_EXIT.ok;
    }
    if (!opts.json) console.log(t.instructions({ n: labels.length }));
    const outcome = await runLearning({
      driver,
      signal,
      board,
      clock: systemClock,
      wait,
      timeoutMs,
      configuredLevelsMm: e.config.floors.map((f) => f.levelMm),
      onProgress: (p) => {
        if (!opts.json) console.log(t.progress({ visited: p.visited.length, n: labels.length, at: p.at === undefined ? '' : (labels[p.at] ?? '') }));
      },
    });
    if (!outcome.ok) {
      if (opts.json) console.log(JSON.stringify({ elevator: e.config.id, ok: false, reason: outcome.reason, interrupted: outcome.interrupted === true }));
      else console.error(outcome.interrupted ? t.interrupted() : t.incomplete({ reason: outcome.reason }));
      return DIAG_EXIT.checkFailed;
    }
    return await report(opts, e, outcome.result, t, signal);
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, stop);
    await driver.close();
  }
}

/**
 * The technician's answer, or undefined for Ctrl-C: at a terminal readline takes Ctrl-C itself
 * (and rejects the question), elsewhere the signal arrives as SIGINT and aborts it.
 */
async function ask(question: string, signal: AbortSignal): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await rl.question(question, { signal });
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') return undefined;
    throw e;
  } finally {
    rl.close();
  }
}

/** Why a check could not tell: too few stops before --timeout, or none of the landings judged in them. */
function cannotTell(t: ReturnType<typeof learnTexts>, made: number, asked: number | undefined, noneJudged: boolean): string {
  if (asked === undefined) return t.notAllJudged({ stops: made, min: MIN_SAMPLES });
  return made >= asked && noneJudged ? t.noneJudged({ stops: made, min: MIN_SAMPLES }) : t.tooFew({ stops: made, asked });
}

async function report(opts: LearnOpts, e: LoadedElevator, r: LearnResult, t: ReturnType<typeof learnTexts>, signal: AbortSignal): Promise<number> {
  if (opts.json) console.log(JSON.stringify({ elevator: e.config.id, ok: true, ...r }));
  else {
    r.landings.forEach((l, i) => {
      console.log(
        t.landing({ label: e.config.floors[i]!.label, level: l.levelMm, measured: l.measuredMm, pa: l.pressurePa, upper: l.upperMm.join('…'), lower: l.lowerMm.join('…') }),
      );
    });
    console.log(t.summary({ drift: r.driftPaPerMin, ratio: r.travelRatio }));
  }
  let write = opts.yes === true;
  if (!write && process.stdin.isTTY && !opts.json) {
    const answer = await ask(t.confirm({ file: opts.config }), signal);
    if (answer === undefined) {
      console.error(`\n${t.interrupted()}`);
      return DIAG_EXIT.checkFailed;
    }
    write = /^y/i.test(answer.trim());
  }
  if (!write) {
    if (!opts.json) console.log(t.notWritten());
    return DIAG_EXIT.ok;
  }
  const now = Date.now();
  const text = learnedConfigText(opts.config, e.config.id, r, now);
  try {
    const { backup } = replaceConfigFile(opts.config, text, now, 'learn');
    if (!opts.json) console.log(t.written({ file: opts.config, backup }));
    return DIAG_EXIT.ok;
  } catch (err) {
    // Checked before the run, yet lost since (a remount, a full disk): the run is still kept.
    if (!isElevgwError(err, 'CONFIG_UNWRITABLE')) throw err;
    console.error(`elevgw: ${err.code}\n${err.message}`);
    if (opts.json) console.error(t.notLostJson());
    else {
      console.error(t.notLost({ file: opts.config }));
      console.log(text);
    }
    return DIAG_EXIT.usage;
  }
}
