import type { CommissioningCheck, CommissioningStep } from '../../contract/commissioning.js';
import { defineMessages, type Lang, msg } from '../i18n.js';

/** The words of `elevgw commission`, in Chinese and English (the JSON report keeps signal names and values as they are). */
export const commissionTexts = defineMessages({
  head: msg<{ elevator: string; board: string; gateway: string; version: string; by: string }>(
    (p) => `elevgw commission · ${p.elevator} · ${p.board} · gateway ${p.gateway} ${p.version} · technician ${p.by}`,
    (p) => `elevgw commission · ${p.elevator} · ${p.board} · 网关 ${p.gateway} ${p.version} · 技术员 ${p.by}`,
  ),
  plan: msg<{ n: number; timeout: string }>(
    (p) => `${p.n} steps, each to be done within ${p.timeout} · [s] skip a step with a reason · [q] quit`,
    (p) => `共 ${p.n} 步，每步须在 ${p.timeout} 内完成 · [s] 跳过本步（需说明原因）· [q] 退出`,
  ),
  scaled: msg<{ scale: number }>(
    (p) => `(runtime.timeScale ${p.scale}: times are the site's simulated time)`,
    (p) => `（runtime.timeScale ${p.scale}：时间为现场模拟时间）`,
  ),
  waiting: msg(
    () => 'waiting for the first reading from the gateway…',
    () => '正在等待网关的第一次读数…',
  ),
  stepHead: msg<{ i: number; n: number; step: string; doing: string }>(
    (p) => `[${p.i}/${p.n}] ${p.step} — ${p.doing}`,
    (p) => `[${p.i}/${p.n}] ${p.step} —— ${p.doing}`,
  ),
  status: msg<{ saw: string; elapsed: string; timeout: string }>(
    (p) => `      ${p.saw}   ${p.elapsed} / ${p.timeout}`,
    (p) => `      ${p.saw}   ${p.elapsed} / ${p.timeout}`,
  ),
  passed: msg<{ step: string; saw: string; took: string }>(
    (p) => `  ✓ ${p.step}: ${p.saw} (${p.took})`,
    (p) => `  ✓ ${p.step}：${p.saw}（${p.took}）`,
  ),
  timedOut: msg<{ step: string; after: string; why: string; saw: string }>(
    (p) => `  ✗ ${p.step}: timed out after ${p.after}: ${p.why}${p.saw ? ` (saw: ${p.saw})` : ''}`,
    (p) => `  ✗ ${p.step}：${p.after} 内未完成：${p.why}${p.saw ? `（看到：${p.saw}）` : ''}`,
  ),
  lacks: msg<{ step: string; signals: string }>(
    (p) => `  ✗ ${p.step}: the board has no ${p.signals} signal: this step cannot be checked here`,
    (p) => `  ✗ ${p.step}：板卡没有 ${p.signals} 信号，无法检查本步`,
  ),
  askReason: msg(
    () => '      reason for skipping (Enter to confirm, Esc to go back): ',
    () => '      跳过原因（回车确认，Esc 返回）：',
  ),
  skipped: msg<{ step: string; reason: string }>(
    (p) => `  – ${p.step}: skipped: ${p.reason}`,
    (p) => `  – ${p.step}：已跳过：${p.reason}`,
  ),
  aborted: msg(
    () => 'commissioning aborted: nothing written, nothing recorded',
    () => '调试已中止：未写入报告，未记录事件',
  ),
  checksHead: msg(
    () => 'Checks',
    () => '检查',
  ),
  check: msg<{ mark: string; check: string; detail: string }>(
    (p) => `  ${p.mark} ${p.check}: ${p.detail}`,
    (p) => `  ${p.mark} ${p.check}：${p.detail}`,
  ),
  askFix: msg<{ file: string }>(
    (p) => `    Write the measured levels into ${p.file}? A backup is kept. [y/N] `,
    (p) => `    把实测平层位置写入 ${p.file}？会保留备份。[y/N] `,
  ),
  fixed: msg<{ file: string; backup: string }>(
    (p) => `    ✓ written to ${p.file} (backup ${p.backup}); restart the service to use it: systemctl restart elevgw`,
    (p) => `    ✓ 已写入 ${p.file}（备份 ${p.backup}）；重启服务后生效：systemctl restart elevgw`,
  ),
  notFixed: msg(
    () => '    the config was left as it is',
    () => '    配置未修改',
  ),
  fixFailed: msg<{ why: string }>(
    (p) => `    ✗ the config was not changed: ${p.why}`,
    (p) => `    ✗ 配置未修改：${p.why}`,
  ),
  report: msg<{ json: string; html: string }>(
    (p) => `Report  ${p.json}\n        ${p.html}`,
    (p) => `报告    ${p.json}\n        ${p.html}`,
  ),
  reportElsewhere: msg<{ dir: string; why: string }>(
    (p) => `  (could not write under ${p.dir}: ${p.why}; written in the current directory instead)`,
    (p) => `  （无法写入 ${p.dir}：${p.why}；已改写到当前目录）`,
  ),
  recorded: msg<{ id: string }>(
    (p) => `✓ recorded for the platform: commissioning event ${p.id} in the gateway's outbox`,
    (p) => `✓ 已记录给平台：网关发送队列中的调试事件 ${p.id}`,
  ),
  notRecorded: msg<{ why: string }>(
    (p) => `✗ not recorded for the platform: ${p.why}; the report above has everything`,
    (p) => `✗ 未能记录给平台：${p.why}；报告中有全部内容`,
  ),
  result: msg<{ pass: boolean; summary: string }>(
    (p) => `Result: ${p.pass ? 'PASS' : 'FAIL'} — ${p.summary}`,
    (p) => `结果：${p.pass ? '通过' : '不通过'} —— ${p.summary}`,
  ),
  summary: msg<{ n: number; passed: number; skipped: number; failed: number; checksFailed: number }>(
    (p) => `${p.n} steps: ${p.passed} passed, ${p.skipped} skipped, ${p.failed} failed; ${p.checksFailed} check(s) failed`,
    (p) => `${p.n} 步：${p.passed} 通过，${p.skipped} 跳过，${p.failed} 失败；${p.checksFailed} 项检查失败`,
  ),
});

/** Step names and what the technician is asked to do. `{top}`/`{bottom}` are landing labels. */
export const STEP_WORDS: Record<Lang, Record<CommissioningStep, { name: string; doing: (p: { top: string; bottom: string }) => string }>> = {
  en: {
    doors: { name: 'doors', doing: () => 'close the doors, open them at a landing, and let them close again.' },
    top: { name: 'top landing', doing: (p) => `run the car to the top landing (${p.top}) and let it stop there.` },
    bottom: { name: 'bottom landing', doing: (p) => `run the car to the bottom landing (${p.bottom}) and let it stop there.` },
    floors: { name: 'every floor', doing: () => 'stop at every landing once (any order; landings already stopped at count).' },
    inspection: { name: 'inspection', doing: () => 'switch inspection on, then off again.' },
    alarm: { name: 'alarm button', doing: () => 'press and hold the alarm button in the car for 3 s.' },
    mains: { name: 'mains', doing: () => 'cut the mains for 5 s, then restore it.' },
  },
  zh: {
    doors: { name: '开关门', doing: () => '关门，在层站开门，再让门关闭。' },
    top: { name: '顶层', doing: (p) => `将轿厢运行到顶层（${p.top}）并停稳。` },
    bottom: { name: '底层', doing: (p) => `将轿厢运行到底层（${p.bottom}）并停稳。` },
    floors: { name: '逐层停靠', doing: () => '在每个层站各停一次（顺序不限，之前已停过的层站计入）。' },
    inspection: { name: '检修', doing: () => '打开检修开关，再关闭。' },
    alarm: { name: '报警按钮', doing: () => '按住轿厢内的报警按钮 3 秒。' },
    mains: { name: '主电源', doing: () => '切断主电源 5 秒，然后恢复。' },
  },
};

export const CHECK_WORDS: Record<Lang, Record<CommissioningCheck, string>> = {
  en: { 'floor-table': 'floor table', 'rated-speed': 'rated speed', signals: 'signals', rules: 'rules' },
  zh: { 'floor-table': '楼层表', 'rated-speed': '额定速度', signals: '信号', rules: '规则' },
};
