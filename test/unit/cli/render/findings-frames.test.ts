import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { humanFindings, MAX_SHOWN_PER_FILE } from '../../../../src/cli/render/findings.js';
import { makeStyle } from '../../../../src/cli/render/style.js';
import type { Finding } from '../../../../src/core/validate/finding.js';
import type { ValidateResult } from '../../../../src/core/validate/run.js';

const plain = makeStyle(false);

function render(files: Record<string, string>, findings: Omit<Finding, 'severity' | 'rule'>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-frames-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const all: Finding[] = findings.map((f) => ({ severity: 'error', rule: `${f.category}/x`, ...f }));
  const r: ValidateResult = {
    files: Object.keys(files),
    findings: all,
    summary: { files: Object.keys(files).length, errors: all.length, warnings: 0, infos: 0 },
  };
  return humanFindings(r, plain, dir);
}

/** The column (1-based) of the first occurrence of `needle` in line `line` (1-based) of `text`. */
function at(text: string, line: number, needle: string): { line: number; column: number } {
  return { line, column: (text.split('\n')[line - 1] ?? '').indexOf(needle) + 1 };
}

const PEM = '-----BEGIN PRIVATE KEY-----\\nMIIEvCANARY5\\n-----END PRIVATE KEY-----';

describe('validate code frames never show a credential', () => {
  it('masks secrets on the neighbouring lines of a finding that is not about secrets', () => {
    const text = [
      '{ "name": "a", "config": {',
      '  "database.sslpassword": "CANARY1",',
      '  "tasks.max": "many",',
      '  "connection.url": "jdbc:postgresql://app:CANARY2@db/x"',
      '} }',
    ].join('\n');
    const out = render({ 'a.json': text }, [
      { category: 'type', message: 'not a number', file: 'a.json', ...at(text, 3, '"many"') },
    ]);
    expect(out).toContain('"tasks.max": "many"');
    expect(out).not.toMatch(/CANARY/);
    expect(out).toContain('********');
  });

  it('masks every credential of a minified single-line file, in every frame', () => {
    const cfg = {
      'connector.class': 'x',
      'database.password': 'CANARY1',
      'connection.url': 'mongodb://u:CANARY2@h/db?authSource=admin',
      'sasl.jaas.config': 'PlainLoginModule required username="u" password="CANARY3";',
      'producer.override.sasl.jaas.config': 'x required password="CANARY4";',
      'ssl.keystore.key': PEM.replace(/\\n/g, '\n'),
      'hdfs.url': 'http://h/p?user=a&password=CANARY6',
      'plugin.only.secret': 'CANARY7',
    };
    const text = JSON.stringify({ name: 'a', config: cfg });
    const findings = ['"connector.class"', '"database.password"', '"hdfs.url"', '"ssl.keystore.key"'].map((k) => ({
      category: 'schema' as const,
      message: 'x',
      file: 'a.json',
      ...at(text, 1, k),
    }));
    // A key only the plugin catalog knows as PASSWORD: the secret finding points at its value.
    findings.push({ category: 'secret' as never, message: 'literal', file: 'a.json', ...at(text, 1, '"CANARY7"') });
    const out = render({ 'a.json': text }, findings);
    expect(out).not.toMatch(/CANARY/);
  });

  it('clips long lines around the column and keeps the caret under the right character', () => {
    const text = JSON.stringify({
      name: 'a',
      config: { pad: 'x'.repeat(100_000), target: 'HERE', more: 'y'.repeat(50_000) },
    });
    const pos = at(text, 1, 'HERE');
    const out = render({ 'a.json': text }, [{ category: 'type', message: 'm', file: 'a.json', ...pos }]);
    const lines = out.split('\n');
    const i = lines.findIndex((l) => l.includes('> 1 │'));
    const frame = lines[i]!;
    const caret = lines[i + 1]!;
    expect(frame.length).toBeLessThan(200);
    expect(frame).toMatch(/│ …x+".*…$/);
    expect(frame[caret.indexOf('^')]).toBe('H');
  });

  it('puts the caret on the mask when the column is inside a credential', () => {
    const text = '{"config":{"database.password":"CANARY","topics":"t"}}';
    const out = render({ 'a.json': text }, [
      { category: 'secret', message: 'm', file: 'a.json', ...at(text, 1, '"CANARY"') },
    ]);
    const lines = out.split('\n');
    const i = lines.findIndex((l) => l.includes('> 1 │'));
    expect(lines[i]!.slice(lines[i + 1]!.indexOf('^'))).toMatch(/^"\*{8}"/);
    expect(out).not.toContain('CANARY');
  });

  it('escapes control characters and bidi overrides in names, messages and frames', () => {
    const text = '{"name":"a\\u001b[2J","config":{"topics":"t\u001b[2J\u202etxt.exe"}}';
    const out = render({ 'a\u001b]0;pwned\u0007.json': text }, [
      {
        category: 'type',
        message: 'bad \u2066value\u2069\nfake line',
        file: 'a\u001b]0;pwned\u0007.json',
        line: 1,
        column: 5,
      },
    ]);
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
    expect(out).toContain('\\e[2J');
    expect(out).toContain('\\u202e');
    expect(out).toContain('bad \\u2066value\\u2069\\nfake line');
  });

  it('renders thousands of findings on one 1 MB line in linear time, at most 100 of them per file', () => {
    const config: Record<string, string> = {};
    for (let i = 0; i < 20_000; i++) config[`key.number.${i}`] = `value-${i}-${'v'.repeat(30)}`;
    const text = JSON.stringify({ name: 'a', config });
    expect(text.length).toBeGreaterThan(1_000_000);
    let from = 0;
    const findings = Object.keys(config).map((k) => {
      from = text.indexOf(`"${k}"`, from);
      return {
        category: 'unknown-key' as const,
        message: `unknown key ${k}`,
        file: 'big.json',
        line: 1,
        column: from + 1,
      };
    });
    const started = performance.now();
    const out = render({ 'big.json': text }, findings);
    const ms = performance.now() - started;
    expect(out.split('\n').filter((l) => l.includes('unknown key ')).length).toBe(MAX_SHOWN_PER_FILE);
    expect(out).toContain(
      `… ${20_000 - MAX_SHOWN_PER_FILE} more findings in this file: ${20_000 - MAX_SHOWN_PER_FILE} unknown-key/x`,
    );
    // A very generous bound: the quadratic renderer took minutes (or ran out of memory) here.
    expect(ms).toBeLessThan(20_000);
  });

  it('shows errors before warnings when a file has more findings than it prints', () => {
    const text = '{"config":{"a":"1"}}\n';
    const warnings: Finding[] = Array.from({ length: 150 }, (_, i) => ({
      severity: 'warning',
      rule: 'unknown-key/x',
      category: 'unknown-key',
      message: `warning ${i}`,
      file: 'a.json',
      line: 1,
      column: 12,
    }));
    const error: Finding = { ...warnings[0]!, severity: 'error', rule: 'type/x', message: 'THE ERROR' };
    const dir = mkdtempSync(join(tmpdir(), 'kcops-frames-'));
    writeFileSync(join(dir, 'a.json'), text);
    const all = [...warnings, error];
    const out = humanFindings(
      { files: ['a.json'], findings: all, summary: { files: 1, errors: 1, warnings: 150, infos: 0 } },
      plain,
      dir,
    );
    expect(out).toContain('THE ERROR');
    expect(out).toContain('warning 98');
    expect(out).not.toContain('warning 99 ');
    expect(out).toContain('… 51 more findings in this file: 51 unknown-key/x');
    expect(out).toMatch(/1 error, 150 warnings$/);
  });
});
