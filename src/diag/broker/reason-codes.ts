import type { Lang } from '../i18n.js';

/**
 * The broker's answer to CONNECT (and to SUBSCRIBE or PUBLISH) in words, for MQTT 5 reason codes
 * and MQTT 3.1.1 return codes, with what to do about each kind of refusal. The numbers are the
 * protocol's; the words are what a technician reads.
 */
interface Entry {
  kind: Kind;
  en: string;
  zh: string;
}

type Kind = 'protocol' | 'clientId' | 'unavailable' | 'credentials' | 'notAuthorized' | 'banned' | 'authMethod' | 'moved' | 'rate' | 'other';

const V5 = new Map<number, Entry>([
  [0x80, { kind: 'other', en: 'unspecified error', zh: '未指明的错误' }],
  [0x81, { kind: 'protocol', en: 'malformed packet', zh: '报文格式错误' }],
  [0x82, { kind: 'protocol', en: 'protocol error', zh: '协议错误' }],
  [0x83, { kind: 'other', en: 'implementation specific error', zh: '实现相关的错误' }],
  [0x84, { kind: 'protocol', en: 'unsupported protocol version', zh: '不支持的协议版本' }],
  [0x85, { kind: 'clientId', en: 'client id rejected', zh: '客户端 ID 被拒绝' }],
  [0x86, { kind: 'credentials', en: 'bad user name or password', zh: '用户名或密码错误' }],
  [0x87, { kind: 'notAuthorized', en: 'not authorised', zh: '未授权' }],
  [0x88, { kind: 'unavailable', en: 'server unavailable', zh: '服务不可用' }],
  [0x89, { kind: 'unavailable', en: 'server busy', zh: '服务器繁忙' }],
  [0x8a, { kind: 'banned', en: 'banned', zh: '已被封禁' }],
  [0x8c, { kind: 'authMethod', en: 'bad authentication method', zh: '认证方式错误' }],
  [0x8f, { kind: 'other', en: 'topic filter invalid', zh: '主题过滤器无效' }],
  [0x90, { kind: 'other', en: 'topic name invalid', zh: '主题名无效' }],
  [0x95, { kind: 'other', en: 'packet too large', zh: '报文过大' }],
  [0x97, { kind: 'rate', en: 'quota exceeded', zh: '超出配额' }],
  [0x99, { kind: 'other', en: 'payload format invalid', zh: '负载格式无效' }],
  [0x9c, { kind: 'moved', en: 'use another server', zh: '请使用其他服务器' }],
  [0x9d, { kind: 'moved', en: 'server moved', zh: '服务器已迁移' }],
  [0x9f, { kind: 'rate', en: 'connection rate exceeded', zh: '连接频率超限' }],
]);

const V311 = new Map<number, Entry>([
  [1, { kind: 'protocol', en: 'unacceptable protocol version', zh: '不可接受的协议版本' }],
  [2, { kind: 'clientId', en: 'client id rejected', zh: '客户端 ID 被拒绝' }],
  [3, { kind: 'unavailable', en: 'server unavailable', zh: '服务不可用' }],
  [4, { kind: 'credentials', en: 'bad user name or password', zh: '用户名或密码错误' }],
  [5, { kind: 'notAuthorized', en: 'not authorised', zh: '未授权' }],
  [0x80, { kind: 'notAuthorized', en: 'refused', zh: '被拒绝' }],
]);

const FIX: Record<Kind, Record<Lang, (who: { user: string; clientId: string }) => string>> = {
  protocol: { en: () => 'the broker does not accept this MQTT version: ask its operator', zh: () => '服务器不接受该 MQTT 版本：请联系其运维方' },
  clientId: {
    en: (w) =>
      `the broker refused client id ${w.clientId} (diag adds -diag-… to uplink.clientId so the running service stays connected): check uplink.clientId with the broker operator`,
    zh: (w) => `服务器拒绝客户端 ID ${w.clientId}（diag 在 uplink.clientId 后加 -diag-…，以免断开正在运行的服务）：请与服务器运维方核对 uplink.clientId`,
  },
  unavailable: { en: () => 'the broker runs but takes no clients now: try again later, or ask its operator', zh: () => '服务器在运行但暂不接受客户端：稍后重试或联系运维方' },
  credentials: {
    en: (w) => `check uplink.username (${w.user}) and the password (uplink.password, or its line in the credentials file)`,
    zh: (w) => `检查 uplink.username（${w.user}）和密码（uplink.password，或凭据文件中的对应行）`,
  },
  notAuthorized: {
    en: (w) => `the broker does not let ${w.user} connect: a wrong user name or password (uplink.username, uplink.password or the credentials file), or this user is not allowed`,
    zh: (w) => `服务器不允许 ${w.user} 连接：用户名或密码错误（uplink.username、uplink.password 或凭据文件），或该用户无权连接`,
  },
  banned: { en: () => 'this client is banned by the broker: ask its operator', zh: () => '该客户端已被服务器封禁：请联系运维方' },
  authMethod: { en: () => 'the broker wants another authentication method: ask its operator', zh: () => '服务器要求其他认证方式：请联系运维方' },
  moved: { en: () => 'the broker points elsewhere: ask its operator for the new address and update uplink.url', zh: () => '服务器已迁移：向运维方索取新地址并更新 uplink.url' },
  rate: { en: () => 'too many connections from this client: wait a minute and try again', zh: () => '该客户端连接过于频繁：稍等一分钟再试' },
  other: { en: () => 'look at the broker’s log', zh: () => '查看服务器日志' },
};

function entry(version: number, rc: number): Entry {
  return (version === 5 ? V5 : V311).get(rc) ?? { kind: 'other', en: `code ${rc}`, zh: `代码 ${rc}` };
}

/** The broker's code in words, e.g. 0x87 → "not authorised". */
export function reasonWords(lang: Lang, version: number, rc: number): string {
  return entry(version, rc)[lang];
}

export function reasonFix(lang: Lang, version: number, rc: number, who: { user: string; clientId: string }): string {
  return FIX[entry(version, rc).kind][lang](who);
}

/** A refusal that means "not MQTT 5": retry with 3.1.1. */
export function refusesVersion5(rc: number): boolean {
  return rc === 0x84 || rc === 1;
}
