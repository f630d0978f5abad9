import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Finding } from '../../core/validate/finding.js';
import type { ValidateResult } from '../../core/validate/run.js';
import type { Style } from '../context.js';

/** The human view: findings grouped by file, each with a code frame, then one summary line. */
export function humanFindings(r: ValidateResult, st: Style, cwd: string): string {
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of r.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  for (const [file, list] of byFile) {
    out.push(st.bold(st.cyan(file)));
    const lines = readLines(resolve(cwd, file));
    for (const f of list) {
      const sev =
        f.severity === 'error' ? st.red('error') : f.severity === 'warning' ? st.yellow('warning') : st.dim('info');
      out.push(`  ${st.dim(`${f.line}:${f.column}`)}  ${sev}  ${f.message}  ${st.dim(f.rule)}`);
      if (lines) out.push(...codeFrame(lines, f, st));
      if (f.hint) out.push(`      ${st.cyan('hint:')} ${f.hint}`);
    }
    out.push('');
  }
  const s = r.summary;
  const verdict = s.errors > 0 ? st.red(st.bold('✗')) : st.green(st.bold('✓'));
  out.push(
    `${verdict} ${s.files} file${s.files === 1 ? '' : 's'} checked: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${s.infos ? `, ${s.infos} info` : ''}`,
  );
  return out.join('\n');
}

function readLines(path: string): string[] | undefined {
  try {
    const buf = readFileSync(path);
    if (buf.length > 1024 * 1024 || buf.includes(0)) return undefined;
    return buf.toString('utf8').split(/\r?\n/);
  } catch {
    return undefined;
  }
}

/** Two lines of context and a caret. On secret findings the value is cut off, so the frame never shows it. */
function codeFrame(lines: string[], f: Finding, st: Style): string[] {
  const out: string[] = [];
  const width = String(f.line + 1).length;
  for (let n = Math.max(1, f.line - 1); n <= Math.min(lines.length, f.line + 1); n++) {
    let text = (lines[n - 1] ?? '').replace(/\t/g, '  ');
    if (f.category === 'secret') text = maskSecrets(text, n === f.line ? f.column : undefined);
    if (text.length > 160) text = text.slice(0, 157) + '...';
    const gutter = `${n === f.line ? st.red('>') : ' '} ${String(n).padStart(width)} │`;
    out.push(`    ${st.dim(gutter)} ${text}`);
    if (n === f.line) {
      const col = (lines[n - 1] ?? '').slice(0, f.column - 1).replace(/\t/g, '  ').length;
      out.push(`    ${' '.repeat(width + 2)} ${st.dim('│')} ${' '.repeat(col)}${st.red('^')}`);
    }
  }
  return out;
}

/** Hide string values on lines near a secret finding: "key": "****". */
function maskSecrets(text: string, column: number | undefined): string {
  if (column !== undefined) return text.slice(0, column - 1) + '****';
  return text.replace(/(:\s*|=\s*)("([^"\\]|\\.)*"|[^,\s{}][^,]*)/, '$1****');
}

// ---------------------------------------------------------------- SARIF 2.1.0

export function sarif(r: ValidateResult, rules: { id: string; summary: string }[], version: string): string {
  const used = [...new Set(r.findings.map((f) => f.rule))];
  const meta = new Map(rules.map((x) => [x.id, x.summary]));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kcops',
            version,
            informationUri: 'https://github.com/kcops/kcops',
            rules: used.map((id) => ({
              id,
              shortDescription: { text: meta.get(id) ?? id },
              helpUri: `docs/reference/validation-rules.md#${id.replace(/[^a-z0-9-]/g, '')}`,
            })),
          },
        },
        results: r.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: used.indexOf(f.rule),
          level: f.severity === 'info' ? 'note' : f.severity,
          message: { text: f.hint ? `${f.message} ${f.hint}` : f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file },
                region: { startLine: f.line, startColumn: f.column },
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
