#!/usr/bin/env node
// Runs every benchmark in this folder and prints its figures (figures, not pass/fail: see issue #2 §6).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv[2];
// The top-level benchmarks, then the data-plane ones in dataplane/ (issue #16 §3).
const files = [
  ...readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.js')),
  ...readdirSync(join(import.meta.dirname, 'dataplane'))
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => join('dataplane', f)),
];
for (const f of files.filter((f) => !only || f.includes(only)).sort()) {
  process.stdout.write(`\n# ${f}\n`);
  const r = spawnSync(process.execPath, [join(import.meta.dirname, f)], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
