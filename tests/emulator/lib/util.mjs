// Small shared helpers: Sobot envelopes, lenient number parsing, time formats.

/** ret_msg of every code the documents list, plus the parameter-error code of the LINE document. */
export const SOBOT_MESSAGES = Object.freeze({
  '000000': '操作成功',
  '900001': 'token 为空',
  '900002': 'token 已失效,请重新获取',
  '999994': '参数异常,请检查',
  '999999': '系统未知异常',
  '210001': 'Facebook主页ID不能为空',
  '210002': 'Facebook主页ID不存在或者输入错误',
  '210003': '订阅主题不能为空',
  '210004': '订阅主题长度不能超过65个字符',
  '210005': '订阅主题描述不能为空',
  '210006': '订阅主题描述不能超过65个字符',
  '210007': '按钮类型不能为空',
  '210008': '当前主页下订阅主题已存在',
  '210009': '用户Facebook ID不能为空',
  '210010': '系统上不存在该主页的订阅主题',
  '210011': '修改订阅主题不支持修改主页ID和订阅主题',
  '210012': '图片比例不能为空',
  '210013': '传入的configID不正确或已删除',
});

/** An error raised by a handler; becomes a Sobot envelope `{ret_code, ret_msg}`. */
export class SobotFail extends Error {
  constructor(code, reason) {
    super(reason || SOBOT_MESSAGES[code] || code);
    this.code = code;
    this.reason = reason || SOBOT_MESSAGES[code] || code;
  }
}

/** Throws a parameter error (999994) with a reason recorded in the request log. */
export function bad(reason) {
  throw new SobotFail('999994', reason);
}

export const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const isBlank = (v) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Reads an optional string field; numbers are accepted and turned into strings. */
export function optString(src, key) {
  const v = src[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  bad(`${key} must be a string`);
}

/** Reads an optional integer field; numeric strings are accepted (documents show both). */
export function optInt(src, key) {
  const v = src[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  bad(`${key} must be an integer`);
}

/** Formats epoch milliseconds as Graph does: 2022-07-12T19:11:07+0000. */
export function graphTime(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Parses a Graph time string or epoch milliseconds/seconds into milliseconds. */
export function toMs(v) {
  if (typeof v === 'number') return v < 1e11 ? v * 1000 : v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return toMs(Number(v));
    const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isNaN(t)) return t;
  }
  return undefined;
}

/** Parses a timezone such as "GMT+08:00", "UTC" or "+0800" into an offset in minutes. */
export function tzOffsetMinutes(tz) {
  if (!tz || /^(UTC|GMT)$/i.test(tz)) return 0;
  const m = /([+-])(\d{1,2}):?(\d{2})?$/.exec(tz);
  if (!m) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] || 0));
}

/** Parses "2024-07-18 20:02:58" in the given timezone into epoch milliseconds. */
export function parseLocal(s, tz) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(String(s));
  if (!m) return undefined;
  const utc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return utc - tzOffsetMinutes(tz) * 60000;
}

/** Formats epoch milliseconds as "2024-07-18 20:02:58" in the given timezone. */
export function formatLocal(ms, tz) {
  const d = new Date(ms + tzOffsetMinutes(tz) * 60000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** Whether an Origin header names a loopback host (any port, http or https). */
export function isLoopbackOrigin(origin) {
  return typeof origin === 'string' && /^https?:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/i.test(origin);
}
