import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeSpans, MASK, textSpans, type Span } from '../../core/secrets/sensitive.js';
import type { Finding } from '../../core/validate/finding.js';
import type { ValidateResult } from '../../core/validate/run.js';
import type { Style } from '../context.js';
import { escapeControl } from './terminal.js';

/** Frames show at most this many characters either side of the column, so a minified file prints a readable excerpt. */
const CONTEXT = 60;
/** Files larger than this get no code frames (the findings are still listed with their file:line:col). */
const MAX_FRAME_FILE = 8 * 1024 * 1024;
/**
 * Findings shown per file. Nobody reads 38,000 warnings about one minified file, and printing them all (6 MB of frames)
 * took seconds: past this many, the rest of the file's findings are counted per rule in one line, and -o json/sarif
 * still lists every one. Errors are shown before warnings and infos, so a cap never hides an error behind warnings.
 */
export const MAX_SHOWN_PER_FILE = 100;

const RANK: Record<Finding['severity'], number> = { error: 0, warning: 1, info: 2 };

/** The findings of one file worth printing (at most MAX_SHOWN_PER_FILE, most severe first, in file order) and the rest. */
function shownOf(list: readonly Finding[]): { shown: Finding[]; hidden: Finding[] } {
  if (list.length <= MAX_SHOWN_PER_FILE) return { shown: [...list], hidden: [] };
  const order = list.map((f, i) => ({ f, i })).sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i);
  const keep = new Set(order.slice(0, MAX_SHOWN_PER_FILE).map((x) => x.i));
  return { shown: list.filter((_, i) => keep.has(i)), hidden: list.filter((_, i) => !keep.has(i)) };
}

/** `… 37,907 more findings in this file: 37,902 unknown-key/connector, 5 required/key (every one with -o json)`. */
function hiddenLine(hidden: readonly Finding[], st: Style): string {
  const perRule = new Map<string, number>();
  for (const f of hidden) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  const rules = [...perRule]
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${n} ${escapeControl(rule)}`)
    .join(', ');
  return `  ${st.dim(`… ${hidden.length} more finding${hidden.length === 1 ? '' : 's'} in this file: ${rules} (every one with -o json or -o sarif)`)}`;
}

/**
 * The human view: findings grouped by file, each with a code frame, then one summary line. Linear in the size of the
 * files and the number of findings: each file is read and scanned for credentials once, each frame is clipped.
 */
export function humanFindings(r: ValidateResult, st: Style, cwd: string): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  for (const [file, list] of byFile) {
    out.push(st.bold(st.cyan(escapeControl(file))));
    const { shown, hidden } = shownOf(list);
    const source = loadSource(resolve(cwd, file), list);
    for (const f of shown) {
      const sev =
        f.severity === 'error' ? st.red('error') : f.severity === 'warning' ? st.yellow('warning') : st.dim('info');
      out.push(
        `  ${st.dim(`${f.line}:${f.column}`)}  ${sev}  ${escapeControl(f.message)}  ${st.dim(escapeControl(f.rule))}`,
      );
      if (source) out.push(...codeFrame(source, f, st));
      if (f.hint) out.push(`      ${st.cyan('hint:')} ${escapeControl(f.hint)}`);
    }
    if (hidden.length > 0) out.push(hiddenLine(hidden, st));
    out.push('');
  }
  const s = r.summary;
  const verdict = s.errors > 0 ? st.red(st.bold('✗')) : st.green(st.bold('✓'));
  out.push(
    `${verdict} ${s.files} file${s.files === 1 ? '' : 's'} checked: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.infos ? `, ${s.infos} info` : ''}`,
  );
  return out.join('\n');
}

/** A file's text, where each line starts, and the ranges that hold credentials (never printed). */
interface Source {
  text: string;
  lineStarts: number[];
  secrets: Span[];
}

function loadSource(path: string, findings: readonly Finding[]): Source | undefined {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_FRAME_FILE || buf.includes(0)) return undefined;
    text = buf.toString('utf8');
  } catch {
    return undefined;
  }
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const src: Source = { text, lineStarts, secrets: [] };
  // What the scanner finds by key and value shape, plus the value under every secret finding (a key only the plugin
  // catalog knows as PASSWORD): masked in every frame that shows it, not only in the finding's own.
  const spans = textSpans(text);
  for (const f of findings) if (f.category === 'secret') spans.push(valueSpanAt(src, f));
  src.secrets = mergeSpans(spans);
  return src;
}

function lineBounds(src: Source, line: number): { start: number; end: number } | undefined {
  const start = src.lineStarts[line - 1];
  if (start === undefined) return undefined;
  let end = (src.lineStarts[line] ?? src.text.length + 1) - 1;
  if (end > start && src.text[end - 1] === '\r') end--;
  return { start, end };
}

function offsetOf(src: Source, f: Finding): number {
  const b = lineBounds(src, f.line);
  if (!b) return src.text.length;
  return Math.min(b.end, b.start + Math.max(0, f.column - 1));
}

/** The value token that starts at a finding: a quoted string to its closing quote, else up to , } ] or the line end. */
function valueSpanAt(src: Source, f: Finding): Span {
  const start = offsetOf(src, f);
  const end = lineBounds(src, f.line)?.end ?? src.text.length;
  const t = src.text;
  let i = start;
  const q = t[i];
  if (q === '"' || q === "'") {
    for (i++; i < end && t[i] !== q; i++) if (t[i] === '\\') i++;
    return { start: start + 1, end: Math.min(i, end) };
  }
  while (i < end && !',}]"'.includes(t[i] ?? '')) i++;
  return { start, end: i };
}

/** First secret span that ends after `at` (binary search: frames stay linear however many credentials a file holds). */
function firstSpanAfter(spans: readonly Span[], at: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((spans[mid]?.end ?? 0) <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One line of a frame, cut to [from, to) of the file, credentials masked, control characters escaped, tabs shown as
 * two spaces. Also returns where `caretAt` lands in the printed text.
 */
function renderSlice(src: Source, from: number, to: number, caretAt: number): { text: string; caret: number } {
  let text = '';
  let caret = -1;
  let at = from;
  const plain = (a: number, b: number) => {
    if (caret < 0 && caretAt >= a && caretAt < b) caret = text.length + shown(src.text.slice(a, caretAt)).length;
    text += shown(src.text.slice(a, b));
  };
  for (let i = firstSpanAfter(src.secrets, from); i < src.secrets.length; i++) {
    const s = src.secrets[i]!;
    if (s.start >= to) break;
    if (s.start > at) plain(at, s.start);
    if (caret < 0 && caretAt >= Math.max(at, s.start) && caretAt < s.end) caret = text.length;
    text += MASK;
    at = Math.min(s.end, to);
    if (s.end >= to) break;
  }
  if (at < to) plain(at, to);
  return { text, caret: caret < 0 ? text.length : caret };
}

function shown(raw: string): string {
  return escapeControl(raw.replace(/\t/g, '  '));
}

/** Two lines of context and a caret, each clipped to the columns around the finding. */
function codeFrame(src: Source, f: Finding, st: Style): string[] {
  const out: string[] = [];
  const width = String(f.line + 1).length;
  const col = Math.max(0, f.column - 1);
  const last = Math.min(src.lineStarts.length, f.line + 1);
  for (let n = Math.max(1, f.line - 1); n <= last; n++) {
    const b = lineBounds(src, n);
    if (!b) continue;
    const centre = Math.min(b.end, b.start + col);
    let from = Math.max(b.start, centre - CONTEXT);
    let to = Math.min(b.end, centre + CONTEXT);
    // Never cut inside a credential: a clipped mask would show its edges.
    const cut = (x: number) => {
      const s = src.secrets[firstSpanAfter(src.secrets, x)];
      return s && s.start < x ? s : undefined;
    };
    from = cut(from)?.start ?? from;
    to = cut(to)?.end ?? to;
    const slice = renderSlice(src, from, to, n === f.line ? offsetOf(src, f) : -1);
    const before = from > b.start ? '…' : '';
    const after = to < b.end ? '…' : '';
    const gutter = `${n === f.line ? st.red('>') : ' '} ${String(n).padStart(width)} │`;
    out.push(`    ${st.dim(gutter)} ${before}${slice.text}${after}`);
    if (n === f.line) {
      out.push(`    ${' '.repeat(width + 2)} ${st.dim('│')} ${' '.repeat(before.length + slice.caret)}${st.red('^')}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- SARIF 2.1.0

/** Where kcops is published: its README links the manual (docs/ ships in the package). */
export const KCOPS_INFORMATION_URI = 'https://www.npmjs.com/package/kcops';

/** A rule as SARIF describes it: the summary, and where its full documentation is. */
export interface SarifRule {
  id: string;
  summary: string;
  category?: string;
  severity?: string;
}

/** The heading anchor of a rule in docs/reference/validation-rules.md (GitHub's slug: lower case, no '/'). */
export const ruleAnchor = (id: string): string => id.toLowerCase().replace(/[^a-z0-9 _-]/g, '');

/**
 * An artifact location relative to the repository root (`%SRCROOT%`), as code scanning needs to put an annotation on
 * a pull request's line. A file outside the root (validated by path) keeps an absolute file: URI.
 */
export function artifactLocation(file: string, cwd: string, srcRoot: string): { uri: string; uriBaseId?: string } {
  const abs = resolve(cwd, file);
  const rel = relative(srcRoot, abs);
  const encode = (p: string): string => p.split(/[\\/]/).map(encodeURIComponent).join('/');
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: encode(rel), uriBaseId: '%SRCROOT%' };
}

/**
 * SARIF 2.1.0 that GitHub code scanning ingests and the SARIF multitool validates without a finding: repository-
 * relative locations, and each rule's help as text (no relative help link: a URI must be absolute).
 */
export function sarif(
  r: ValidateResult,
  rules: SarifRule[],
  version: string,
  where: { cwd: string; srcRoot: string },
): string {
  const used = [...new Set(r.findings.map((f) => f.rule))];
  const meta = new Map(rules.map((x) => [x.id, x]));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kcops',
            version,
            semanticVersion: version,
            informationUri: KCOPS_INFORMATION_URI,
            rules: used.map((id) => {
              const m = meta.get(id);
              const summary = sentence(m?.summary ?? id);
              const doc = `docs/reference/validation-rules.md#${ruleAnchor(id)} in the kcops package`;
              return {
                id,
                name: ruleName(id),
                shortDescription: { text: summary },
                fullDescription: { text: summary },
                help: {
                  text: `${summary} The rule, with a failing and a passing example, is documented in ${doc}.`,
                  markdown: `${summary}\n\nThe rule, with a failing and a passing example, is documented in \`${doc}\`.`,
                },
                ...(m?.severity
                  ? { defaultConfiguration: { level: m.severity === 'info' ? 'note' : m.severity } }
                  : {}),
                properties: { tags: ['kafka-connect', ...(m?.category ? [m.category] : [])] },
              };
            }),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: r.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: used.indexOf(f.rule),
          level: f.severity === 'info' ? 'note' : f.severity,
          message: { text: sentence(f.hint ? `${sentence(f.message)} ${f.hint}` : f.message) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifactLocation(f.file, where.cwd, where.srcRoot),
                region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
              },
            },
          ],
          properties: { category: f.category },
        })),
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** SARIF messages are sentences (the multitool's SARIF2001/2002 want a final period). */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** A rule's name in Pascal case (SARIF2012 wants a readable name): dlq/replication-factor → DlqReplicationFactor. */
function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

// ---------------------------------------------------------------- JUnit XML

const xml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** One testcase per file; errors fail it, warnings are listed in system-out. */
export function junit(r: ValidateResult): string {
  const cases = r.files.map((file) => {
    const mine = r.findings.filter((f) => f.file === file);
    const errors = mine.filter((f) => f.severity === 'error');
    const line = (f: Finding): string =>
      `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}: ${f.message}${f.hint ? ` (${f.hint})` : ''}`;
    const failure =
      errors.length > 0
        ? `\n      <failure message="${xml(`${errors.length} error(s)`)}" type="validation">${xml(errors.map(line).join('\n'))}</failure>`
        : '';
    const others = mine.filter((f) => f.severity !== 'error');
    const sysout = others.length > 0 ? `\n      <system-out>${xml(others.map(line).join('\n'))}</system-out>` : '';
    return `    <testcase classname="kcops.validate" name="${xml(file)}">${failure}${sysout}\n    </testcase>`;
  });
  const failures = r.files.filter((file) => r.findings.some((f) => f.file === file && f.severity === 'error')).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kcops validate" tests="${r.files.length}" failures="${failures}">\n  <testsuite name="kcops validate" tests="${r.files.length}" failures="${failures}" errors="0">\n${cases.join('\n')}\n  </testsuite>\n</testsuites>\n`;
}
