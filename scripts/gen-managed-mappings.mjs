#!/usr/bin/env node
/**
 * Regenerates src/core/convert/managed-mappings.json, what `kcops convert` uses, from Confluent's managed connector
 * templates in ../shared/specs/managed-connectors/ (connect-migration-utility): for each plugin, its user-facing
 * keys (`config_defs`) and how each becomes a worker key (`connector_configs`): pass-through, fixed value, value
 * built from user keys (`${key}`), switch on a user key, or a named dynamic mapper.
 *
 * Usage: node scripts/gen-managed-mappings.mjs [--specs ../shared/specs/managed-connectors]   (or KCOPS_SHARED_DIR=...)
 * A template lists its abstract parents after itself; the first rule for a worker key wins (the child overrides).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const i = process.argv.indexOf('--specs');
const shared = process.env.KCOPS_SHARED_DIR ?? join(root, '..', 'shared');
const specs = i > 0 ? process.argv[i + 1] : join(shared, 'specs', 'managed-connectors');

const transforms = JSON.parse(readFileSync(join(specs, 'fm_transforms_list.json'), 'utf8'));
const plugins = {};
for (const f of readdirSync(specs)
  .filter((n) => n.endsWith('_resolved_templates.json'))
  .sort()) {
  const { templates } = JSON.parse(readFileSync(join(specs, f), 'utf8'));
  const main = templates[0];
  const keys = {};
  const rules = [];
  const seen = new Set();
  for (const t of templates) {
    for (const d of t.config_defs ?? []) {
      if (keys[d.name]) continue;
      const k = {};
      if (d.type) k.type = d.type;
      if (d.required === true || d.required === 'true') k.required = true;
      if (d.default_value !== undefined && d.default_value !== null) k.default = String(d.default_value);
      keys[d.name] = k;
    }
    for (const c of t.connector_configs ?? []) {
      if (seen.has(c.name)) continue;
      seen.add(c.name);
      if (c.switch) {
        const [[on, cases]] = Object.entries(c.switch);
        rules.push({
          to: c.name,
          switch: on,
          cases: Object.fromEntries(Object.entries(cases).map(([k, v]) => [k, String(v)])),
        });
      } else if (c['dynamic.mapper']) rules.push({ to: c.name, dynamic: c['dynamic.mapper'].name });
      else if (c.value !== undefined) rules.push({ to: c.name, value: String(c.value) });
      else rules.push({ to: c.name });
    }
  }
  // SMT classes Confluent Cloud allows for this plugin (fm_transforms_list.json).
  const allowedTransforms = transforms[main.template_id] ?? [];
  plugins[main.template_id] = {
    workerClass: main['connector.class'],
    type: main.connector_type?.toLowerCase(),
    keys,
    rules,
    allowedTransforms,
  };
}
const out = join(root, 'src/core/convert/managed-mappings.json');
writeFileSync(
  out,
  JSON.stringify(
    {
      source: 'confluentinc/connect-migration-utility@03c8323f templates/fm (via ../shared/specs/managed-connectors)',
      plugins,
    },
    null,
    1,
  ) + '\n',
);
console.log(`wrote ${out}: ${Object.keys(plugins).join(', ')}`);
