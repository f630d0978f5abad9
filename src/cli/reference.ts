import type { CommandSpec, GroupSpec } from './command-spec.js';

/** Renders docs/reference/cli.md from the command declarations, so the reference cannot drift from the code. */
export function renderCliReference(groups: GroupSpec[], commands: CommandSpec[]): string {
  const out: string[] = [
    '# CLI reference',
    '',
    '<!-- Generated from src/cli/commands/*.ts by `npm run docs`; a unit test fails when it is stale. -->',
    '',
    'Global flags (every command): `-o, --output human|json|yaml`, `--config <path>`, `--env <name>`, `--debug`,',
    '`--no-color` (and `NO_COLOR`), `-q, --quiet`. Results go to stdout, progress and diagnostics to stderr.',
    'Exit codes: [exit-codes.md](exit-codes.md).',
    '',
  ];
  const render = (c: CommandSpec): void => {
    const args = (c.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ');
    out.push(`### kcops ${c.path.join(' ')}${args ? ' ' + args : ''}`, '', c.description ?? c.summary, '');
    if (c.args?.length) {
      out.push('| argument | description |', '|---|---|');
      for (const a of c.args) out.push(`| \`${a.name}\` | ${a.description} |`);
      out.push('');
    }
    if (c.options?.length) {
      out.push('| option | description |', '|---|---|');
      for (const o of c.options) {
        const def = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
        out.push(`| \`${o.flags}\` | ${o.description}${def} |`);
      }
      out.push('');
    }
    out.push('Examples:', '', '```sh');
    for (const e of c.examples) out.push(`# ${e.description}`, e.command);
    out.push('```', '');
  };
  const inGroup = (c: CommandSpec, g: GroupSpec): boolean =>
    c.path.slice(0, g.path.length).join(' ') === g.path.join(' ');
  // Commands outside every group (validate, init, new, ...) first, then each group.
  const loose = commands.filter((c) => !groups.some((g) => inGroup(c, g)));
  if (loose.length) {
    out.push('## Commands', '');
    loose.forEach(render);
  }
  for (const g of groups) {
    out.push(`## kcops ${g.path.join(' ')}`, '', g.summary, '');
    commands.filter((c) => inGroup(c, g)).forEach(render);
  }
  return out.join('\n');
}
