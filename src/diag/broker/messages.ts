import type { Lang, Message } from '../i18n.js';
import { reasonFix, reasonWords } from './reason-codes.js';

/**
 * Every sentence `diag broker` prints, in English and Chinese: what was found, and for problems
 * what to do about it. A finding is a stable code plus parameters (the JSON output carries both,
 * so a script never parses words). The shape is the diag commands' shared one (src/diag/i18n.ts).
 */
/** Parameters of a message: plain values only, so the JSON output can carry them as they are. */
export type Params = Record<string, string | number>;
type Text = Message<Params>;

const s = (v: string | number | undefined): string => String(v ?? '?');
const secs = (ms: string | number | undefined): string => String(Math.round(Number(ms) / 1000));

const reason = (lang: Lang, p: Params): string => reasonWords(lang, Number(p.version), Number(p.rc));

const TEXT = {
  header: {
    en: (p) => `broker ${s(p.broker)} — gateway ${s(p.gatewayId)}, user ${s(p.user)}`,
    zh: (p) => `服务器 ${s(p.broker)} — 网关 ${s(p.gatewayId)}，用户 ${s(p.user)}`,
  },
  verdict_ok: { en: () => 'all good', zh: () => '全部正常' },
  verdict_warn: { en: () => 'the uplink works; see the warnings (!)', zh: () => '上行连接正常；请查看警告（!）' },
  verdict_failed: { en: () => 'a check failed (✗): fix it and run this again', zh: () => '有检查未通过（✗）：修复后请重新运行' },
  verdict_unreachable: { en: () => 'the broker cannot be reached (✗)', zh: () => '无法访问服务器（✗）' },
  skipped: { en: () => 'skipped: an earlier step failed', zh: () => '已跳过：前一步失败' },
  dns_ip: { en: (p) => `${s(p.host)} is an IP address: no lookup`, zh: (p) => `${s(p.host)} 是 IP 地址，无需解析` },
  dns_ok: { en: (p) => `${s(p.host)} → ${s(p.addresses)}`, zh: (p) => `${s(p.host)} → ${s(p.addresses)}` },
  dns_not_found: { en: (p) => `${s(p.host)} does not exist (${s(p.error)})`, zh: (p) => `域名 ${s(p.host)} 不存在（${s(p.error)}）` },
  dns_failed: { en: (p) => `looking up ${s(p.host)} failed (${s(p.error)})`, zh: (p) => `解析 ${s(p.host)} 失败（${s(p.error)}）` },
  dns_unanswered: { en: (p) => `no DNS server answered for ${s(p.host)} (${s(p.error)})`, zh: (p) => `没有 DNS 服务器应答 ${s(p.host)} 的查询（${s(p.error)}）` },
  dns_timeout: { en: (p) => `no answer from the DNS server within ${secs(p.ms)} s`, zh: (p) => `DNS 服务器 ${secs(p.ms)} 秒内没有应答` },
  tcp_ok: { en: (p) => `connected to ${s(p.address)} port ${s(p.port)}`, zh: (p) => `已连接 ${s(p.address)} 端口 ${s(p.port)}` },
  tcp_refused: {
    en: (p) => `${s(p.address)} port ${s(p.port)} refused the connection: nothing listens there`,
    zh: (p) => `${s(p.address)} 端口 ${s(p.port)} 拒绝连接：该端口没有服务在监听`,
  },
  tcp_timeout: { en: (p) => `no answer from ${s(p.address)} port ${s(p.port)} within ${secs(p.ms)} s`, zh: (p) => `${s(p.address)} 端口 ${s(p.port)} 在 ${secs(p.ms)} 秒内无应答` },
  tcp_failed: { en: (p) => `cannot connect to ${s(p.address)} port ${s(p.port)} (${s(p.error)})`, zh: (p) => `无法连接 ${s(p.address)} 端口 ${s(p.port)}（${s(p.error)}）` },
  tls_none: { en: () => 'mqtt:// is not encrypted: no TLS to check', zh: () => 'mqtt:// 不加密：没有 TLS 可检查' },
  tls_plain_password: { en: () => 'the password crosses the network unencrypted', zh: () => '密码以明文在网络上传输' },
  tls_files_unused: {
    en: () => 'uplink.tls is set but the URL is not TLS (use mqtts://): the TLS files are not used',
    zh: () => '已设置 uplink.tls，但 URL 不是 TLS（应使用 mqtts://）：TLS 文件不会被使用',
  },
  tls_ok: {
    en: (p) => `${s(p.protocol)}; the broker's certificate ${s(p.subject)} is signed by ${s(p.issuer)}, matches ${s(p.host)}, valid until ${s(p.date)} (${s(p.days)} days)`,
    zh: (p) => `${s(p.protocol)}；服务器证书 ${s(p.subject)} 由 ${s(p.issuer)} 签发，与 ${s(p.host)} 匹配，有效期至 ${s(p.date)}（还有 ${s(p.days)} 天）`,
  },
  tls_client_ok: {
    en: (p) => `client certificate ${s(p.subject)} valid until ${s(p.date)} (${s(p.days)} days)`,
    zh: (p) => `客户端证书 ${s(p.subject)} 有效期至 ${s(p.date)}（还有 ${s(p.days)} 天）`,
  },
  tls_expired: { en: (p) => `the broker's certificate ${s(p.subject)} expired on ${s(p.date)}`, zh: (p) => `服务器证书 ${s(p.subject)} 已于 ${s(p.date)} 过期` },
  tls_not_yet_valid: { en: (p) => `the broker's certificate is valid only from ${s(p.date)}`, zh: (p) => `服务器证书自 ${s(p.date)} 起才生效` },
  tls_expires_soon: { en: (p) => `the broker's certificate expires on ${s(p.date)}, in ${s(p.days)} days`, zh: (p) => `服务器证书将于 ${s(p.date)} 过期，仅剩 ${s(p.days)} 天` },
  tls_wrong_ca: {
    en: (p) => `wrong CA: the broker's certificate is signed by ${s(p.issuer)}, your ca file ${s(p.file)} has ${s(p.cas)}`,
    zh: (p) => `CA 不对：服务器证书由 ${s(p.issuer)} 签发，而 CA 文件 ${s(p.file)} 中是 ${s(p.cas)}`,
  },
  tls_untrusted: {
    en: (p) => `the broker's certificate is signed by ${s(p.issuer)}, which is not among the trusted CAs (no uplink.tls.ca configured)`,
    zh: (p) => `服务器证书由 ${s(p.issuer)} 签发，该 CA 不在受信任的 CA 列表中（未配置 uplink.tls.ca）`,
  },
  tls_chain: { en: (p) => `the broker's certificate does not verify: ${s(p.error)}`, zh: (p) => `服务器证书验证失败：${s(p.error)}` },
  tls_hostname: { en: (p) => `the broker's certificate is for ${s(p.names)}, not for ${s(p.host)}`, zh: (p) => `服务器证书签发给 ${s(p.names)}，而不是 ${s(p.host)}` },
  tls_unverified: {
    en: () => 'the uplink does not verify the broker (uplink.tls.rejectUnauthorized: false), so it would connect anyway',
    zh: () => '上行连接不验证服务器证书（uplink.tls.rejectUnauthorized: false），因此仍会连接',
  },
  tls_handshake: { en: (p) => `TLS handshake failed (${s(p.error)})`, zh: (p) => `TLS 握手失败（${s(p.error)}）` },
  tls_timeout: { en: (p) => `no TLS handshake within ${secs(p.ms)} s`, zh: (p) => `${secs(p.ms)} 秒内未完成 TLS 握手` },
  tls_client_expired: { en: (p) => `your client certificate ${s(p.file)} expired on ${s(p.date)}`, zh: (p) => `客户端证书 ${s(p.file)} 已于 ${s(p.date)} 过期` },
  tls_client_expires_soon: {
    en: (p) => `your client certificate ${s(p.file)} expires on ${s(p.date)}, in ${s(p.days)} days`,
    zh: (p) => `客户端证书 ${s(p.file)} 将于 ${s(p.date)} 过期，仅剩 ${s(p.days)} 天`,
  },
  tls_client_key_mismatch: {
    en: (p) => `the key ${s(p.key)} does not belong to the client certificate ${s(p.file)}`,
    zh: (p) => `私钥 ${s(p.key)} 与客户端证书 ${s(p.file)} 不匹配`,
  },
  tls_client_required: { en: () => 'the broker requires a client certificate and none is configured', zh: () => '服务器要求客户端证书，但未配置' },
  tls_client_key_missing: {
    en: (p) => `the client certificate ${s(p.file)} is configured without its key (${s(p.key)}), so it is not sent`,
    zh: (p) => `已配置客户端证书 ${s(p.file)}，但没有配置其私钥（${s(p.key)}），因此证书不会被发送`,
  },
  tls_client_rejected: { en: (p) => `the broker refused the client certificate (${s(p.error)})`, zh: (p) => `服务器拒绝了客户端证书（${s(p.error)}）` },
  mqtt_ok: { en: (p) => `connected with MQTT ${s(p.version)} as ${s(p.clientId)}`, zh: (p) => `已用 MQTT ${s(p.version)} 连接，客户端 ID ${s(p.clientId)}` },
  mqtt_fallback: { en: () => 'the broker does not speak MQTT 5: MQTT 3.1.1 is used', zh: () => '服务器不支持 MQTT 5，改用 MQTT 3.1.1' },
  mqtt_refused: {
    en: (p) => `the broker refused the connection: ${reason('en', p)} (reason code ${s(p.rc)})`,
    zh: (p) => `服务器拒绝连接：${reason('zh', p)}（原因码 ${s(p.rc)}）`,
  },
  mqtt_timeout: { en: (p) => `no answer to CONNECT within ${secs(p.ms)} s`, zh: (p) => `${secs(p.ms)} 秒内没有收到 CONNECT 的应答` },
  mqtt_closed: { en: () => 'the broker closed the connection without answering CONNECT', zh: () => '服务器未应答 CONNECT 就关闭了连接' },
  mqtt_failed: { en: (p) => `CONNECT failed (${s(p.error)})`, zh: (p) => `CONNECT 失败（${s(p.error)}）` },
  echo_ok: { en: (p) => `published and received ${s(p.topic)} (QoS 1)`, zh: (p) => `已在 ${s(p.topic)} 上发布并收到（QoS 1）` },
  echo_acl_subscribe: { en: (p) => `ACL does not allow subscribe on ${s(p.topic)} (${reason('en', p)})`, zh: (p) => `ACL 不允许订阅 ${s(p.topic)}（${reason('zh', p)}）` },
  echo_acl_publish: { en: (p) => `ACL does not allow publish on ${s(p.topic)} (${reason('en', p)})`, zh: (p) => `ACL 不允许发布到 ${s(p.topic)}（${reason('zh', p)}）` },
  echo_lost: {
    en: (p) => `the message did not come back within ${secs(p.ms)} s: the ACL does not allow publish or subscribe on ${s(p.topic)}, or the broker drops it`,
    zh: (p) => `${secs(p.ms)} 秒内未收到回环消息：ACL 可能不允许在 ${s(p.topic)} 上发布或订阅，或服务器丢弃了消息`,
  },
  echo_failed: { en: (p) => `the test message could not be sent (${s(p.error)})`, zh: (p) => `测试消息发送失败（${s(p.error)}）` },
  rtt_ok: { en: (p) => `${s(p.ms)} ms from publish to receipt`, zh: (p) => `从发布到收到 ${s(p.ms)} 毫秒` },
  rtt_none: { en: () => 'no echo to time', zh: () => '没有回环消息可计时' },
} satisfies Record<string, Text>;

export type MessageCode = keyof typeof TEXT;

/** What to do about a problem, where there is something to do. */
const FIX: Partial<Record<MessageCode, Text>> = {
  dns_not_found: { en: (p) => `check the host name in uplink.url (try: getent hosts ${s(p.host)})`, zh: (p) => `检查 uplink.url 中的主机名（可试：getent hosts ${s(p.host)}）` },
  dns_failed: { en: () => 'check the network and the DNS server in /etc/resolv.conf', zh: () => '检查网络和 /etc/resolv.conf 中的 DNS 服务器' },
  dns_unanswered: { en: () => 'check the network and the DNS server in /etc/resolv.conf', zh: () => '检查网络和 /etc/resolv.conf 中的 DNS 服务器' },
  dns_timeout: { en: () => 'check the network and the DNS server in /etc/resolv.conf', zh: () => '检查网络和 /etc/resolv.conf 中的 DNS 服务器' },
  tcp_refused: {
    en: () => 'check the port in uplink.url (MQTT is usually 1883, MQTT over TLS 8883) and that the broker is running',
    zh: () => '检查 uplink.url 中的端口（MQTT 通常为 1883，MQTT over TLS 为 8883），并确认服务器在运行',
  },
  tcp_timeout: {
    en: () => 'a firewall drops the connection or the address is wrong: check the network, the address and the port',
    zh: () => '防火墙丢弃了连接或地址有误：检查网络、地址和端口',
  },
  tcp_failed: { en: () => 'check the gateway’s network (cable, SIM, route) and the address in uplink.url', zh: () => '检查网关网络（网线、SIM 卡、路由）和 uplink.url 中的地址' },
  tls_plain_password: { en: () => 'use mqtts:// and the broker’s TLS port', zh: () => '改用 mqtts:// 和服务器的 TLS 端口' },
  tls_files_unused: {
    en: () => 'for TLS, write mqtts:// and the broker’s TLS port in uplink.url; otherwise remove uplink.tls',
    zh: () => '如需 TLS，请在 uplink.url 中写 mqtts:// 和服务器的 TLS 端口；否则删除 uplink.tls',
  },
  tls_expired: { en: () => 'renew the broker certificate (the broker operator’s job, not the gateway’s)', zh: () => '请服务器运维方更新服务器证书（不是网关的证书）' },
  tls_not_yet_valid: { en: () => 'check this machine’s clock (date -u; is NTP working?)', zh: () => '检查本机时钟（date -u；NTP 是否正常？）' },
  tls_expires_soon: { en: () => 'have the broker certificate renewed before then', zh: () => '请在到期前更新服务器证书' },
  tls_wrong_ca: { en: (p) => `put the certificate of ${s(p.anchor)} in ${s(p.file)} (uplink.tls.ca)`, zh: (p) => `把 ${s(p.anchor)} 的证书放入 ${s(p.file)}（uplink.tls.ca）` },
  tls_untrusted: { en: (p) => `set uplink.tls.ca to a file with the certificate of ${s(p.anchor)}`, zh: (p) => `将 uplink.tls.ca 设为包含 ${s(p.anchor)} 证书的文件` },
  tls_chain: { en: () => 'check uplink.tls.ca and the broker’s certificate chain', zh: () => '检查 uplink.tls.ca 和服务器证书链' },
  tls_hostname: {
    en: (p) => `use a host name in uplink.url that the certificate names, or have the certificate reissued for ${s(p.host)}`,
    zh: (p) => `在 uplink.url 中使用证书中的主机名，或重新为 ${s(p.host)} 签发证书`,
  },
  tls_unverified: { en: () => 'set uplink.tls.rejectUnauthorized: true once the certificate verifies', zh: () => '证书验证通过后，设置 uplink.tls.rejectUnauthorized: true' },
  tls_handshake: {
    en: (p) => `is port ${s(p.port)} a TLS port? Plain MQTT (mqtt://) is usually 1883, TLS (mqtts://) 8883`,
    zh: (p) => `端口 ${s(p.port)} 是 TLS 端口吗？明文 MQTT（mqtt://）通常为 1883，TLS（mqtts://）为 8883`,
  },
  tls_timeout: { en: (p) => `is port ${s(p.port)} a TLS port? Check uplink.url`, zh: (p) => `端口 ${s(p.port)} 是 TLS 端口吗？检查 uplink.url` },
  tls_client_expired: { en: () => 'renew the gateway’s client certificate (uplink.tls.cert)', zh: () => '更新网关的客户端证书（uplink.tls.cert）' },
  tls_client_expires_soon: { en: () => 'renew the gateway’s client certificate before then', zh: () => '请在到期前更新网关的客户端证书' },
  tls_client_key_mismatch: { en: () => 'uplink.tls.key must be the key the client certificate was issued for', zh: () => 'uplink.tls.key 必须是签发客户端证书时使用的私钥' },
  tls_client_required: {
    en: () => 'set uplink.tls.cert and uplink.tls.key to the gateway’s client certificate and key',
    zh: () => '将 uplink.tls.cert 和 uplink.tls.key 设为网关的客户端证书和私钥',
  },
  tls_client_key_missing: {
    en: (p) => `set ${s(p.key)} to the private key of this certificate`,
    zh: (p) => `将 ${s(p.key)} 设为该证书的私钥`,
  },
  tls_client_rejected: {
    en: () => 'the broker does not accept this client certificate (expired, or signed by a CA it does not trust): ask the broker operator',
    zh: () => '服务器不接受该客户端证书（已过期或其 CA 不受信任）：请联系服务器运维方',
  },
  mqtt_refused: {
    en: (p) => reasonFix('en', Number(p.version), Number(p.rc), { user: s(p.user), clientId: s(p.clientId) }),
    zh: (p) => reasonFix('zh', Number(p.version), Number(p.rc), { user: s(p.user), clientId: s(p.clientId) }),
  },
  mqtt_timeout: {
    en: () => 'the port answers but not as an MQTT broker: check the port and scheme in uplink.url',
    zh: () => '端口有应答但不是 MQTT 服务器：检查 uplink.url 的端口和协议',
  },
  mqtt_closed: {
    en: () => 'does the port expect TLS (mqtts://)? Otherwise the broker refuses this client id or certificate: look at the broker’s log',
    zh: () => '该端口是否需要 TLS（mqtts://）？否则是服务器拒绝了该客户端 ID 或证书：查看服务器日志',
  },
  mqtt_failed: { en: () => 'look at the broker’s log', zh: () => '查看服务器日志' },
  echo_acl_subscribe: { en: (p) => ACL_FIX.en(p), zh: (p) => ACL_FIX.zh(p) },
  echo_acl_publish: { en: (p) => ACL_FIX.en(p), zh: (p) => ACL_FIX.zh(p) },
  echo_lost: { en: (p) => ACL_FIX.en(p), zh: (p) => ACL_FIX.zh(p) },
  echo_failed: { en: () => 'the connection broke during the test: run the check again and look at the broker’s log', zh: () => '测试中连接中断：请重试并查看服务器日志' },
};

const ACL_FIX: Text = {
  en: (p) => `the gateway does not need this (it publishes its own topics); to run the check, allow ${s(p.allow)} for this user`,
  zh: (p) => `网关运行不需要此权限（它只发布自己的主题）；如需完成此检查，请为该用户开放 ${s(p.allow)}`,
};

/** A finding in words, with what to do about it when there is something to do. */
export function words(lang: Lang, code: MessageCode, params: Params = {}): { text: string; fix?: string } {
  const text = TEXT[code][lang](params);
  const fix = FIX[code]?.[lang](params);
  return fix === undefined ? { text } : { text, fix };
}

export const STEP_LABELS: Record<Lang, Record<'dns' | 'tcp' | 'tls' | 'mqtt' | 'echo' | 'rtt', string>> = {
  en: { dns: 'DNS', tcp: 'TCP', tls: 'TLS', mqtt: 'MQTT', echo: 'echo', rtt: 'round trip' },
  zh: { dns: '域名解析', tcp: 'TCP 连接', tls: 'TLS', mqtt: 'MQTT 连接', echo: '回环收发', rtt: '往返时间' },
};
