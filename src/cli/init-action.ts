import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { systemClock } from '../core/clock.js';
import { ElevgwError } from '../core/errors.js';
import { VERSION } from '../runtime/version.js';
import type { Answers } from '../provision/answers.js';
import { shippedBoards } from '../provision/boards.js';
import { MACHINE_ID_FILES, readMachineId } from '../provision/client-id.js';
import { COLUMNS, type Row } from '../provision/columns.js';
import { answersFromFlags, rowFromFlags } from '../provision/flags.js';
import { interview } from '../provision/interview.js';
import { serviceAccount, type ServiceAccount } from '../provision/outputs.js';
import { terminalPrompter } from '../provision/prompter.js';
import { provision, type ProvisionResult } from '../provision/provision.js';
import { readRolloutRow } from '../provision/rollout-csv.js';
import type { RowAnswers, RowContext } from '../provision/row.js';
import { listSerialAdapters } from '../provision/serial-ports.js';
import { RELATIVE } from '../provision/site-yaml.js';
import { langFrom, say, type Lang } from '../provision/text.js';
import { parseArg } from './args.js';

export interface InitOptions extends Record<string, unknown> {
  outDir: string;
  stateDir: string;
  csv?: string;
  row?: string;
  passwordFile?: string;
  yes?: boolean;
  force?: boolean;
  lang?: string;
}

/** `elevgw init` (init.ts declares its options): the answers, the files, what to do next. */
export async function initCommand(opts: InitOptions): Promise<void> {
  const lang = langFrom(parseArg(z.enum(['zh', 'en', 'both']).optional(), opts.lang, '--lang'));
  const env = process.env;
  const devDir = env.ELEVGW_DEV_DIR ?? '/dev';
  const machineId = readMachineId(env.ELEVGW_MACHINE_ID_FILE ? [env.ELEVGW_MACHINE_ID_FILE] : MACHINE_ID_FILES);
  const answers = await collectAnswers(opts, lang, devDir);
  const result = provision({
    answers,
    outDir: opts.outDir,
    stateDir: opts.stateDir,
    force: opts.force === true,
    machineId,
    wallNow: systemClock.wallNow(),
    version: VERSION,
    ...(process.getuid?.() === 0 ? accountOf() : {}),
  });
  report(result, lang);
}

/** Prompts when no answer came as a flag or a CSV; otherwise the answers given, checked all at once. */
async function collectAnswers(opts: InitOptions, lang: Lang, devDir: string): Promise<Answers> {
  const ctx = (acceptDefaults: boolean): RowContext => ({ boards: shippedBoards(), devDir, acceptDefaults, lang });
  const flagRow = rowFromFlags(opts);
  let given: RowAnswers;
  if (opts.csv !== undefined) {
    given = readRolloutRow(opts.csv, csvPick(opts, flagRow), ctx(true));
  } else if (Object.keys(flagRow).length > 0 || opts.yes) {
    given = answersFromFlags(flagRow, ctx(opts.yes === true));
  } else {
    if (opts.passwordFile !== undefined)
      throw new ElevgwError('CONFIG_INVALID', '--password-file: the interactive init asks for the password; give the other answers as flags to use it');
    const prompter = terminalPrompter();
    try {
      return await interview({ prompter, lang, boards: shippedBoards(), listAdapters: () => listSerialAdapters(devDir) });
    } finally {
      prompter.close();
    }
  }
  for (const n of given.notices) console.error(`elevgw init: ${say(n, lang)}`);
  const password = opts.passwordFile === undefined ? undefined : readPassword(opts.passwordFile);
  return { ...given.answers, broker: { ...given.answers.broker, ...(password !== undefined ? { password } : {}) } };
}

function csvPick(opts: InitOptions, flagRow: Row): { row: number } | { gatewayId: string } {
  const others = COLUMNS.filter((c) => c.name !== 'gateway_id' && flagRow[c.name] !== undefined).map((c) => c.flag);
  if (others.length > 0) throw new ElevgwError('CONFIG_INVALID', `with --csv the answers come from the file: ${others.join(', ')} cannot be given too (edit the row instead)`);
  if (opts.row !== undefined && flagRow.gateway_id !== undefined) throw new ElevgwError('CONFIG_INVALID', '--csv: pick the row by --row or by --gateway-id, not both');
  if (flagRow.gateway_id !== undefined) return { gatewayId: flagRow.gateway_id };
  if (opts.row === undefined) throw new ElevgwError('CONFIG_INVALID', '--csv: say which row, with --row N or --gateway-id ID');
  return { row: parseArg(z.coerce.number().int().min(1, 'a row number from 1'), opts.row, '--row') };
}

/** The first line of --password-file (`-`: standard input), as the broker is to get it. */
function readPassword(file: string): string {
  let text: string;
  try {
    text = readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new ElevgwError('CONFIG_NOT_FOUND', `--password-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  // A file saved on Windows starts with a BOM and ends its line with CRLF: neither is the password.
  const password = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  if (password === '') throw new ElevgwError('CONFIG_INVALID', `--password-file: ${file} is empty`);
  return password;
}

/** As root, files the service reads are handed to the elevgw account when it exists (install.sh creates it). */
function accountOf(): { account?: ServiceAccount } {
  try {
    const account = serviceAccount(readFileSync('/etc/passwd', 'utf8'), readFileSync('/etc/group', 'utf8'));
    return account ? { account } : {};
  } catch {
    return {};
  }
}

function report(r: ProvisionResult, lang: Lang): void {
  const p = r.paths;
  console.log(say({ zh: '已写入：', en: 'Written:' }, lang));
  for (const f of r.written) console.log(`  ${f}`);
  if (r.keyReused) console.log(say({ zh: `  沿用已有私钥 ${p.key}`, en: `  kept the existing key ${p.key}` }, lang));
  if (r.passwordKept) console.log(say({ zh: `  沿用 ${p.credentials} 中已有的代理服务器密码`, en: `  kept the broker password already in ${p.credentials}` }, lang));
  for (const b of r.backups) console.log(say({ zh: `  备份 ${b}`, en: `  backup ${b}` }, lang));
  console.log(`MQTT client id: ${r.clientId}`);
  console.log(
    say(
      {
        zh: `下一步：把 ${p.csr} 交给平台 CA 签发证书，放到 ${p.dir}/${RELATIVE.cert}，然后运行 elevgw config validate ${p.site} --strict`,
        en: `Next: have the platform's CA sign ${p.csr}, put the certificate at ${p.dir}/${RELATIVE.cert}, then run elevgw config validate ${p.site} --strict`,
      },
      lang,
    ),
  );
}
