// Writes smithy-model.json: the subset of the Secrets Manager Smithy model (aws/api-models-aws) the stand-in needs.
// Usage: node extract-model.mjs <secrets-manager-2017-10-17.json> [commit]
import { readFileSync, writeFileSync } from 'node:fs';

const [file, commit = 'unknown'] = process.argv.slice(2);
const m = JSON.parse(readFileSync(file, 'utf8'));
const s = m.shapes;
const P = 'com.amazonaws.secretsmanager#';
const OPS = ['GetSecretValue', 'PutSecretValue'];
const out = {};
const strip = (t) =>
  t &&
  Object.fromEntries(
    Object.entries(t).filter(
      ([k]) => k !== 'smithy.api#documentation' && k !== 'smithy.api#examples' && !k.startsWith('smithy.rules#'),
    ),
  );
const add = (id) => {
  if (out[id] || !id.startsWith(P) || !s[id]) return;
  const c = { ...s[id], traits: strip(s[id].traits) };
  if (c.members)
    c.members = Object.fromEntries(Object.entries(c.members).map(([k, v]) => [k, { ...v, traits: strip(v.traits) }]));
  if (c.type === 'service') {
    c.operations = c.operations.filter((o) => OPS.some((n) => o.target === P + n));
    delete c.resources;
  }
  out[id] = c;
  for (const k of ['input', 'output']) if (c[k]) add(c[k].target);
  for (const e of c.errors ?? []) add(e.target);
  for (const v of Object.values(c.members ?? {})) add(v.target);
  if (c.member) add(c.member.target);
  for (const o of c.type === 'service' ? c.operations : []) add(o.target);
};
add(P + 'secretsmanager');
const doc = {
  _source: `github.com/aws/api-models-aws, secrets-manager/service/2017-10-17/secrets-manager-2017-10-17.json at commit ${commit}; subset: the service, ${OPS.join(' and ')} with the shapes they reach; documentation, examples and endpoint rules removed. Regenerate with extract-model.mjs.`,
  smithy: m.smithy,
  shapes: out,
};
writeFileSync(new URL('./smithy-model.json', import.meta.url), JSON.stringify(doc, null, 1) + '\n');
