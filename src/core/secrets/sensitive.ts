import { isSecretRef } from './reference.js';

/**
 * The ONE definition of "sensitive" (issue 19 §2). Every place that shows or stores config — validate code frames
 * and findings, plan (human, JSON, plan file), `connect describe`, audit records, log lines, error messages — asks
 * this module, so a key or value shape added here is hidden everywhere at once.
 *
 * Two halves:
 * - key patterns: the whole value of such a key is a credential (unless it is a config-provider reference);
 * - value patterns: a credential inside an otherwise harmless value (a PEM block, `user:pass@` in a URL, a
 *   `password=` query parameter, a JAAS `password="..."` option).
 */

/** What every redacted credential is replaced by: a fixed string, so not even the length is shown. */
export const MASK = '********';

/** Keys whose value is a credential. By name, because a validator must also judge connectors it has no catalog for. */
const SECRET_KEY = [
  /(^|[._-])(password|passwd|pwd|passphrase)$/i,
  // database.sslpassword, ssl.keystorepassword: the word glued to a prefix in the last segment
  /(password|passwd|passphrase)[^.]*$/i,
  /secret/i,
  /\.jaas\.config$|^sasl\.jaas\.config$/i,
  /(^|\.)basic\.auth\.user\.info$/i,
  /(^|\.)bearer\.auth\.token$/i,
  /^aws\..*key/i,
  /(^|\.)(access|secret)[._-]?key([._-]id)?$/i,
  /(^|\.)api[._-]?key$/i,
  /(^|\.)(auth[._-]?)?token$/i,
  /(^|\.)credentials?$/i,
  // ssl.keystore.key (a PEM private key), private.key, privatekey, *.private.key.pem
  /(^|\.)(ssl\.)?keystore\.key$/i,
  /private[._-]?key/i,
  /(^|\.)(client[._-]?)?key[._-]?pem$/i,
];
/** Keys that mention a secret but hold a setting about it (a mode, a class, a flag, a location). */
const NOT_SECRET =
  /(\.(enabled?|mode|type|class|source|provider|location|path|file|manager.*|id\.list|strategy|format|ttl\.ms|encoding|algorithm|length|size)$)|(secret\.manager)|(key\.(converter|field|columns?|fields))/i;

/** The patterns as one expression (all case-insensitive): asked once per key of every file, log line and record. */
const ANY_SECRET_KEY = new RegExp(SECRET_KEY.map((r) => `(?:${r.source})`).join('|'), 'i');

export function isSensitiveKey(key: string): boolean {
  return !NOT_SECRET.test(key) && ANY_SECRET_KEY.test(key);
}

/** A range [start, end) of a text that holds a credential. */
export interface Span {
  start: number;
  end: number;
}

/** Worth masking: a config-provider reference says where a secret lives, not what it is; an empty value says nothing. */
function maskable(value: string): boolean {
  const v = value.trim();
  return v.length > 0 && !isSecretRef(v) && !MARKERS.test(v);
}

/** What kcops itself shows in place of a value (plan markers, masks): redacting it again would only blur the diff. */
const MARKER = String.raw`(?:\(sensitive(?: value changed)?\)|\(absent\)|\*{4,})`;
const MARKERS = new RegExp(`^${MARKER}(?: → ${MARKER})?$`);

// A terminated block (also with \n escapes inside a JSON string), or an unterminated one up to the end of its string/line.
const PEM = /-----BEGIN ([A-Z0-9 ]{1,60})-----([\s\S]*?-----END \1-----|(?![\s\S]*-----END \1-----)[^"'\n]*)/g;
const URL_USERINFO = /\b[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/@:"'\\]{0,200}:([^\s/@"'\\]{1,500})(?=@)/gi;
const QUERY_PARAM =
  /[?&;]((?:[a-z]{0,30}\.)?(?:password|passwd|pwd|secret|token|sessionToken|accessKey|secretKey|api[_-]?key|client[_-]?secret))=([^&;\s"'\\]{1,2000})/gi;
const JAAS = /\b(password|secret|clientSecret|token|accessToken)\s*=\s*(\\?["'])(.{0,2000}?)\2/gi;

/**
 * A credential inside a value: a PEM block's body, the password of `scheme://user:password@`, a `password=`-like
 * query or JDBC parameter (`name` is the parameter), or a JAAS login-module option (`name` is the option).
 * `value` is exactly text.slice(start, end), as written (percent-encoding kept, references and empty values included:
 * the caller decides what they mean).
 */
export interface ValueCredential {
  kind: 'pem' | 'url-userinfo' | 'query-param' | 'jaas-option';
  name?: string;
  value: string;
  start: number;
  end: number;
}

/** Every credential-shaped part of a value or a line of text (no key needed). The ONE set of value patterns. */
export function valueCredentials(text: string): ValueCredential[] {
  const out: ValueCredential[] = [];
  for (const m of text.matchAll(PEM)) {
    const body = (m[2] ?? '').replace(/-----END [A-Z0-9 ]+-----$/, '');
    const start = m.index + m[0].length - (m[2]?.length ?? 0);
    out.push({ kind: 'pem', value: body, start, end: start + body.length });
  }
  for (const m of text.matchAll(URL_USERINFO)) {
    const v = m[1] ?? '';
    const start = m.index + m[0].length - v.length;
    out.push({ kind: 'url-userinfo', value: v, start, end: start + v.length });
  }
  for (const m of text.matchAll(QUERY_PARAM)) {
    const v = m[2] ?? '';
    const start = m.index + m[0].length - v.length;
    out.push({ kind: 'query-param', name: m[1] ?? '', value: v, start, end: start + v.length });
  }
  for (const m of text.matchAll(JAAS)) {
    const v = m[3] ?? '';
    const start = m.index + m[0].length - v.length - (m[2]?.length ?? 0);
    out.push({ kind: 'jaas-option', name: m[1] ?? '', value: v, start, end: start + v.length });
  }
  return out;
}

/** Credentials inside a value or a line of text, wherever they sit (no key needed). */
export function valueSpans(text: string): Span[] {
  return valueCredentials(text)
    .filter((c) => (c.kind === 'pem' ? c.value.length > 0 : maskable(c.value)))
    .map((c) => ({ start: c.start, end: c.end }));
}

// "key": "value" (JSON, also minified), \"key\": \"value\" (JSON inside a shell string), key=value / key: value /
// "key" = "value" on their own line (properties, YAML, HCL).
const JSON_PAIR = /"([^"\\\n]{1,300})"\s*:\s*("(?:[^"\\\n]|\\.)*"|[-+\w.]+)/g;
const ESCAPED_JSON_PAIR = /\\"([^"\\\n]{1,300})\\"\s*:\s*\\"(.*?)\\"/g;
const LINE_PAIR = /^[ \t]*(?:-[ \t]+)?(["']?)([A-Za-z0-9_.-]{1,300})\1[ \t]*[=:][ \t]*([^\n]*?)[ \t]*,?[ \t]*$/gm;
// In free text only `key=value` counts: `key: message` is how Connect reports a problem with a key, not its value.
// Kafka's ConfigException: "Invalid value <value> for configuration <key>[: reason]".
const CONFIG_EXCEPTION = /Invalid value ([^\n]{0,2000}?) for configuration ([A-Za-z0-9_.-]{1,300})/g;
const TEXT_PAIR = /(?<![\w.-])([A-Za-z][A-Za-z0-9_.-]{0,300})[ \t]*=[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s,;&]+)/g;

/**
 * Credentials in a text: the value patterns plus sensitive key/value pairs. `file` reads it as a config file (JSON,
 * properties, YAML, HCL: `key: value` lines too); otherwise as free text (a message, a log line, a trace).
 */
export function textSpans(text: string, kind: 'file' | 'free' = 'file'): Span[] {
  const out = valueSpans(text);
  const pair = (key: string, value: string, valueEnd: number) => {
    if (!isSensitiveKey(key)) return;
    let v = value;
    let end = valueEnd;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) {
      v = v.slice(1, -1);
      end -= 1;
    }
    if (maskable(v.replace(/\\"/g, '"'))) out.push({ start: end - v.length, end });
  };
  for (const m of text.matchAll(JSON_PAIR)) pair(m[1] ?? '', m[2] ?? '', m.index + m[0].length);
  for (const m of text.matchAll(ESCAPED_JSON_PAIR)) pair(m[1] ?? '', m[2] ?? '', m.index + m[0].length - 2);
  if (kind === 'file') {
    for (const m of text.matchAll(LINE_PAIR)) {
      const v = m[3] ?? '';
      pair(m[2] ?? '', v, m.index + m[0].lastIndexOf(v) + v.length);
    }
  } else {
    for (const m of text.matchAll(TEXT_PAIR)) pair(m[1] ?? '', m[2] ?? '', m.index + m[0].length);
    for (const m of text.matchAll(CONFIG_EXCEPTION)) {
      const v = m[1] ?? '';
      pair(m[2] ?? '', v, m.index + 'Invalid value '.length + v.length);
    }
  }
  return mergeSpans(out);
}

/** Sorted, overlapping and touching spans joined: one mask per credential. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}

export function applySpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of mergeSpans([...spans])) {
    out += text.slice(at, s.start) + MASK;
    at = s.end;
  }
  return out + text.slice(at);
}

/** Free text (an error message, a log line, a progress line) with every credential it shows replaced by the mask. */
export function redactText(text: string): string {
  return applySpans(text, textSpans(text, 'free'));
}

/** One config value for display: the whole value when the key is sensitive, otherwise the credentials inside it. */
export function redactValue(key: string, value: string): string {
  if (isSensitiveKey(key)) return maskable(value) ? MASK : value;
  return applySpans(value, valueSpans(value));
}

/** True when showing this value would show a credential (by key or by what the value holds). */
export function isSensitiveEntry(key: string, value: string): boolean {
  return redactValue(key, value) !== value;
}

/** A whole config for display. */
export function redactConfig(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = redactValue(k, v);
  return out;
}

/**
 * Any JSON-able value with its credentials masked: object entries by key, every string by value patterns. The last
 * line of defence of machine-readable output and records; renderers still redact where they know more.
 */
export function redactDeep<T>(data: T): T {
  return walk(data, undefined, 0) as T;
}

function walk(v: unknown, key: string | undefined, depth: number): unknown {
  if (typeof v === 'string') return key !== undefined && isSensitiveKey(key) ? redactValue(key, v) : redactText(v);
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, undefined, depth + 1));
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = walk(x, k, depth + 1);
  return out;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
