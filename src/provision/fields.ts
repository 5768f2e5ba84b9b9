import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { MALFORMED_IPV4, malformedIpv4 } from '../config/hosts.js';
import { packageRoot } from '../config/load.js';
import { exampleHost, exampleIds } from '../config/strict.js';
import { isPlaceholderHost, placeholderWord } from './placeholders.js';
import type { Text } from './text.js';

/**
 * One check per answer, shared by the prompts, the flags and the roll-out CSV, so an answer is
 * refused for the same reason whichever way it came in. Input is the text as typed (trimmed);
 * the reason is said in both languages.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; why: Text };
export type Check<T> = (input: string) => Checked<T>;

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const refuse = (zh: string, en: string): Checked<never> => ({ ok: false, why: { zh, en } });

/** The site schema's id rule (src/config/site.ts): ids appear in MQTT topics. */
const TOPIC_SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

function topicSafeId(what: Text): Check<string> {
  return (s) => {
    if (s === '') return refuse(`请输入${what.zh}`, `a ${what.en} is required`);
    if (!TOPIC_SAFE_ID.test(s))
      return refuse(`${what.zh}只能含字母、数字、_ 或 -，以字母或数字开头，最长 64 位`, `a ${what.en} is letters, digits, _ or - (starting with a letter or digit), at most 64`);
    return ok(s);
  };
}

export const checkGatewayId: Check<string> = (s) => {
  const id = topicSafeId({ zh: '网关编号', en: 'gateway id' })(s);
  if (!id.ok) return id;
  const word = placeholderWord(s);
  if (word !== undefined)
    return refuse(`"${s}" 是示例占位值（含 "${word}"），请填写为本网关分配的编号`, `"${s}" is a placeholder (contains "${word}"): use the id assigned to this gateway`);
  if (exampleIds(packageRoot()).gateways.has(s))
    return refuse(`"${s}" 是随附示例配置的网关编号，请填写为本网关分配的编号`, `"${s}" is the id of a shipped example config: use the id assigned to this gateway`);
  return id;
};

export const checkElevatorId: Check<string> = topicSafeId({ zh: '电梯编号', en: 'elevator id' });

export const checkRegistrationCode: Check<string> = (s) => {
  if (!/^[0-9A-Za-z]*$/.test(s)) return refuse('使用登记代码只含字母和数字', 'a registration code is letters and digits only');
  if (s.length !== 20) return refuse(`使用登记代码应为 20 位，输入了 ${s.length} 位`, `a registration code has 20 characters, this has ${s.length}`);
  if (exampleIds(packageRoot()).codes.has(s))
    return refuse(
      `"${s}" 是随附示例的使用登记代码，请抄写本电梯使用登记证上的代码`,
      `"${s}" is the registration code of a shipped example: copy the one on this elevator's registration certificate`,
    );
  return ok(s);
};

export const checkRescueCode: Check<string> = (s) => {
  if (s === '') return refuse('请输入救援识别码（轿厢内张贴的 96333 编码）', 'a rescue code is required (the 96333 code posted in the car)');
  if (s.length > 32) return refuse('救援识别码最长 32 位', 'a rescue code has at most 32 characters');
  return ok(s);
};

/** Free text (site name, address): anything printable, at most 200 characters. */
export const checkText: Check<string> = (s) => (s.length <= 200 ? ok(s) : refuse('最长 200 个字符', 'at most 200 characters'));

export const checkRatedSpeed: Check<number> = (s) => {
  const v = Number(s);
  if (s === '' || !Number.isFinite(v)) return refuse('额定速度是一个数字（米/秒），例如 1.75', 'the rated speed is a number in m/s, e.g. 1.75');
  if (v <= 0 || v > 20) return refuse('额定速度应在 0 到 20 米/秒之间', 'the rated speed is above 0 and at most 20 m/s');
  return ok(v);
};

export const checkUnitId: Check<number> = (s) => {
  const v = Number(s);
  if (!/^\d+$/.test(s) || v < 1 || v > 247) return refuse('Modbus 从站地址为 1–247 的整数', 'a Modbus unit id is a whole number 1–247');
  return ok(v);
};

export const checkBaudRate: Check<number> = (s) => {
  const v = Number(s);
  if (!/^\d+$/.test(s) || v < 300 || v > 4_000_000) return refuse('波特率为整数，例如 9600 或 19200', 'a baud rate is a whole number, e.g. 9600 or 19200');
  return ok(v);
};

/** `HOST[:PORT]` of a Modbus TCP interface; the port defaults to 502. */
export const checkHostPort: Check<{ host: string; port: number }> = (s) => {
  const m = /^(\[[^\]]+\]|[^\s:]+)(?::(\d{1,5}))?$/.exec(s);
  const port = m?.[2] === undefined ? 502 : Number(m[2]);
  if (!m || port < 1 || port > 65535) return refuse('请输入 主机[:端口]，例如 192.168.1.20:502', 'expected HOST[:PORT], e.g. 192.168.1.20:502');
  const host = m[1]!.replace(/^\[|\]$/g, '');
  if (malformedIpv4(host)) return refuse(`${host} 不是有效的 IPv4 地址：应为 0–255 的四个数字，用点分隔`, `${host}: ${MALFORMED_IPV4}`);
  if (exampleHost(host))
    return refuse(`${host} 是文档示例地址，请填写本电梯控制器接口的地址`, `${host} is a documentation/example address: use the address of this elevator's controller interface`);
  return ok({ host, port });
};

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

/**
 * The broker: an MQTT URL. Off loopback the password and the events cross a network we do not
 * own (a building's LAN, a 4G router), so only TLS (mqtts://, wss://) is accepted there.
 */
export const checkBrokerUrl: Check<string> = (s) => {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return refuse('请输入 MQTT 地址，例如 mqtts://mqtt.platform.cn:8883', 'expected an MQTT URL, e.g. mqtts://mqtt.platform.cn:8883');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!['mqtt', 'mqtts', 'ws', 'wss'].includes(scheme)) return refuse('协议应为 mqtts://（或 wss://）', 'the scheme is mqtts:// (or wss://)');
  if (url.hostname === '') return refuse('地址缺少主机名', 'the URL has no host');
  if (isPlaceholderHost(url.hostname) || exampleHost(url.hostname))
    return refuse(`"${url.hostname}" 是示例地址，请填写平台的 MQTT 服务器`, `"${url.hostname}" is a placeholder host: use the platform's broker`);
  if (url.username !== '' || url.password !== '') return refuse('地址中不要写用户名或密码，密码单独输入', 'no user or password in the URL: the password is asked separately');
  if ((scheme === 'mqtt' || scheme === 'ws') && !isLoopback(url.hostname)) {
    return refuse('非本机的服务器必须使用 TLS：请用 mqtts://（端口通常为 8883）', 'a broker off this machine needs TLS: use mqtts:// (usually port 8883)');
  }
  return ok(s);
};

export const checkUsername: Check<string> = (s) =>
  s !== '' && !/\s/.test(s) && s.length <= 128 ? ok(s) : refuse('用户名不能为空或含空格', 'a user name is not empty and has no spaces');

/** A CA certificate file for the broker (empty: the system's CAs). */
export const checkCaFile: Check<string | undefined> = (s) => {
  if (s === '') return ok(undefined);
  if (!s.startsWith('/')) return refuse('请给出绝对路径', 'give an absolute path');
  if (!existsSync(s)) return refuse(`找不到文件 ${s}`, `no such file: ${s}`);
  let text: string;
  try {
    text = readFileSync(s, 'utf8');
  } catch {
    return refuse(`无法读取 ${s}`, `cannot read ${s}`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return refuse(`${s} 不是 PEM 证书`, `${s} is not a PEM certificate`);
  return ok(s);
};
