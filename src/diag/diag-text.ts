import { defineMessages, msg } from './i18n.js';

/** The human-readable lines of `diag rules`, `diag outbox` and `diag signals`, in Chinese and English. */
export const diagTexts = defineMessages({
  rulesProvides: msg<{ elevator: string; board: string; signals: string }>(
    (p) => `${p.elevator} (board ${p.board}) provides: ${p.signals}`,
    (p) => `${p.elevator}（板卡 ${p.board}）提供：${p.signals}`,
  ),
  ruleArmed: msg<{ rule: string }>(
    (p) => `  armed     ${p.rule}`,
    (p) => `  已启用    ${p.rule}`,
  ),
  rulesFused: msg<{ signals: string }>(
    (p) => `  fused from the retrofit box's sensors: ${p.signals} (docs/retrofit.md)`,
    (p) => `  由加装传感器盒融合得到：${p.signals}（docs/retrofit.md）`,
  ),
  ruleArmedFused: msg<{ rule: string; fused: string }>(
    (p) => `  armed     ${p.rule} — on fused ${p.fused}`,
    (p) => `  已启用    ${p.rule} —— 基于融合信号 ${p.fused}`,
  ),
  ruleNotArmed: msg<{ rule: string; missing: string }>(
    (p) => `  NOT armed ${p.rule} — board lacks ${p.missing}`,
    (p) => `  未启用    ${p.rule} —— 板卡缺少 ${p.missing}`,
  ),
  outboxHead: msg<{ path: string; live: boolean }>(
    (p) => `outbox ${p.path}${p.live ? ' (in use by the running gateway: read live, read-only)' : ' (read-only)'}`,
    (p) => `发送队列 ${p.path}${p.live ? '（运行中的网关正在使用：只读实时读取）' : '（只读）'}`,
  ),
  outboxPending: msg<{ n: number; byKind: string }>(
    (p) => `  pending    ${p.n} (${p.byKind})`,
    (p) => `  待发送     ${p.n}（${p.byKind}）`,
  ),
  outboxOldest: msg<{ ageS: number | null }>(
    (p) => `  oldest     ${p.ageS === null ? '—' : `${p.ageS} s ago`}`,
    (p) => `  最早待发   ${p.ageS === null ? '—' : `${p.ageS} 秒前`}`,
  ),
  outboxDelivered: msg<{ n: number }>(
    (p) => `  delivered  ${p.n}`,
    (p) => `  已送达     ${p.n}`,
  ),
  outboxEvicted: msg<{ n: number }>(
    (p) => `  evicted    ${p.n}`,
    (p) => `  已淘汰     ${p.n}`,
  ),
  outboxSize: msg<{ kib: string }>(
    (p) => `  size       ${p.kib} KiB`,
    (p) => `  大小       ${p.kib} KiB`,
  ),
  outboxMissing: msg<{ path: string }>(
    (p) => `✗ no outbox database at ${p.path}: the gateway has not run with this config yet, or outbox.path points elsewhere (nothing was created)`,
    (p) => `✗ ${p.path} 没有发送队列数据库：网关尚未用此配置运行过，或 outbox.path 指向了别处（未创建任何文件）`,
  ),
  outboxUnreadable: msg<{ path: string; detail: string }>(
    (p) => `✗ cannot read the outbox database ${p.path} (${p.detail}): run as the elevgw user or with sudo`,
    (p) => `✗ 无法读取发送队列数据库 ${p.path}（${p.detail}）：请以 elevgw 用户或 sudo 运行`,
  ),
  outboxNotOutbox: msg<{ path: string; detail: string }>(
    (p) => `✗ ${p.path} is not a usable elevgw outbox (${p.detail}); the gateway moves such a file aside when it starts`,
    (p) => `✗ ${p.path} 不是可用的 elevgw 发送队列（${p.detail}）；网关启动时会把它移到一边`,
  ),
  outboxNewer: msg<{ path: string; detail: string }>(
    (p) => `✗ ${p.path} was written by a newer elevgw (${p.detail}): upgrade elevgw to read it`,
    (p) => `✗ ${p.path} 由更新版本的 elevgw 写入（${p.detail}）：请升级 elevgw 后再读取`,
  ),
  signalsHead: msg<{ elevator: string; board: string; transport: string; interval: number }>(
    (p) => `${p.elevator} on ${p.board} (${p.transport}) — every ${p.interval} ms, read-only`,
    (p) => `${p.elevator}，板卡 ${p.board}（${p.transport}）—— 每 ${p.interval} ms 读取一次，只读`,
  ),
  portMissing: msg(
    () => 'does not exist',
    () => '端口不存在',
  ),
  portLocked: msg(
    () => 'locked by another process (the service?)',
    () => '被其他程序占用（elevgw 服务？）',
  ),
  portDenied: msg(
    () => 'permission denied',
    () => '没有权限',
  ),
  signalsLine: msg<{ time: string; floor: string; pos: string; speed: string; door: string; flags: string; driver: string; bad: string }>(
    (p) => `${p.time} floor ${p.floor} pos ${p.pos} mm ${p.speed} m/s door ${p.door} ${p.flags} | driver ${p.driver}${p.bad ? ` | bad: ${p.bad}` : ''}`,
    (p) => `${p.time} 楼层 ${p.floor} 位置 ${p.pos} mm ${p.speed} m/s 门 ${p.door} ${p.flags} | 驱动 ${p.driver}${p.bad ? ` | 无效：${p.bad}` : ''}`,
  ),
});
