import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

/**
 * Issue 19 §5: offline `kcops validate` of one loose file ran in 970 ms because it loaded the whole catalog, the
 * cluster clients (and their schema compiler), zod, avsc and yaml. It must load only what one file needs: the definition of
 * the one class it names. A module hook lists every module the real CLI (dist/) resolves.
 */
it('offline validate of one loose file loads one catalog entry and none of the cluster clients, zod, avsc or yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-loads-'));
  try {
    writeFileSync(
      join(dir, 'hook.mjs'),
      "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('MOD ' + r.url + '\\n'); return r; }\n",
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`,
    );
    // CommonJS loads (yaml is CommonJS, loaded on first use through require) are not seen by the resolve hook.
    writeFileSync(
      join(dir, 'cjs.cjs'),
      "const M = require('module'); const load = M._load; M._load = function (r, ...a) { process.stderr.write('CJS ' + r + '\\n'); return load.call(this, r, ...a); };\n",
    );
    const file = join(dir, 'app-cdc.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'app-cdc',
        config: { 'connector.class': 'io.debezium.connector.mysql.MySqlConnector', 'tasks.max': '1' },
      }),
    );
    const bin = join(import.meta.dirname, '../../../bin/kcops.js');
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        join(dir, 'cjs.cjs'),
        '--import',
        join(dir, 'register.mjs'),
        bin,
        'validate',
        '--offline',
        '-o',
        'json',
        file,
      ],
      {
        encoding: 'utf8',
      },
    );
    const mods = r.stderr.split('\n').filter((l) => l.startsWith('MOD ') || l.startsWith('CJS '));
    expect(JSON.parse(r.stdout).summary.files).toBe(1);
    expect(mods.filter((m) => /catalog\/plugins\//.test(m))).toEqual([expect.stringContaining('MySqlConnector.json')]);
    for (const heavy of [
      /node_modules\/zod\//,
      // A JSON file outside a repository needs no YAML parser (the heaviest module kcops has: some 60 files).
      /node_modules\/yaml\/|^CJS yaml$/,
      /node_modules\/avsc\//,
      /node_modules\/ajv\//,
      /validate\/online\/checker/,
      /@platformatic/,
    ])
      expect(
        mods.filter((m) => heavy.test(m)),
        String(heavy),
      ).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
