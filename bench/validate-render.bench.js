#!/usr/bin/env node
// Human rendering of validate findings on one minified single-line file of about 1 MB (issue 19 §5): every key is
// a finding, each with a clipped code frame; the file also holds credentials the frames must mask.
// Figures only (the renderer alone, then the whole `kcops validate` with its rules).
// Usage: npm run build && node bench/validate-render.bench.js
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { humanFindings } from '../dist/cli/render/findings.js';
import { makeStyle } from '../dist/cli/render/style.js';

const dir = mkdtempSync(join(tmpdir(), 'kcops-bench-render-'));
for (const keys of [8_000, 20_000]) {
  const config = { 'connector.class': 'x', 'database.password': 'hunter2', 'connection.url': 'http://u:pw@h' };
  for (let i = 0; i < keys; i++) config[`key.number.${i}`] = `value-${i}-${'v'.repeat(30)}`;
  const text = JSON.stringify({ name: 'big', config });
  const file = `big-${keys}.json`;
  writeFileSync(join(dir, file), text);
  let from = 0;
  const findings = Object.keys(config).map((k) => {
    from = text.indexOf(`"${k}"`, from);
    return {
      rule: 'unknown-key/x',
      severity: 'warning',
      category: 'unknown-key',
      message: `'${k}'`,
      file,
      line: 1,
      column: from + 1,
    };
  });
  const result = { files: [file], findings, summary: { files: 1, errors: 0, warnings: findings.length, infos: 0 } };
  const before = process.memoryUsage().rss;
  const started = performance.now();
  const out = humanFindings(result, makeStyle(false), dir);
  const ms = performance.now() - started;
  const mb = (n) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `render  ${keys} findings on one ${mb(text.length)} MB line: ${ms.toFixed(0)} ms, ${mb(out.length)} MB of output, rss +${mb(process.memoryUsage().rss - before)} MB`,
  );
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../bin/kcops.js'), 'validate', file, '--offline'], {
    cwd: dir,
    maxBuffer: 1 << 30,
  });
  console.log(
    `kcops validate (rules + render, process start included): ${(performance.now() - t).toFixed(0)} ms, exit ${r.status}`,
  );
}
rmSync(dir, { recursive: true, force: true });
