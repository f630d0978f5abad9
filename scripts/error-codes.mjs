// Troubleshooting by error code: reads every `new UserError('CODE', ...)` / `usageError('CODE', ...)` in src/ with the
// TypeScript parser (not a regex: messages and hints are template literals spread over lines) and the `codes:` list in
// each runbook's front matter, and renders docs/reference/error-codes.md. scripts/gen-error-docs.mjs writes the page;
// test/unit/docs-error-codes.test.ts checks it is current. Needs no build: it reads the sources.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';

const EXIT = { Ok: 0, Error: 1, Usage: 2, Changes: 3, RolledBack: 4, Pending: 5 };

function walk(dir, ext) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), ext) : e.name.endsWith(ext) ? [join(dir, e.name)] : []))
    .sort();
}

/** A string expression as the reader sees it: `${port}` parts become `<port>`, other expressions `<…>`. */
function shape(node, sf) {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let out = node.head.text;
    for (const span of node.templateSpans) out += `<${placeholder(span.expression, sf)}>${span.literal.text}`;
    return out;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = shape(node.left, sf);
    const r = shape(node.right, sf);
    return `${l ?? `<${placeholder(node.left, sf)}>`}${r ?? `<${placeholder(node.right, sf)}>`}`;
  }
  if (ts.isParenthesizedExpression(node)) return shape(node.expression, sf);
  if (ts.isConditionalExpression(node)) {
    const a = shape(node.whenTrue, sf);
    const b = shape(node.whenFalse, sf);
    if (a !== undefined && b !== undefined) return a === '' ? b : b === '' ? a : `${a} / ${b}`;
  }
  return undefined;
}

/** A short name for a value in a message: the last identifier of `p.port` or `name`, else `…`. */
function placeholder(expr, sf) {
  if (ts.isIdentifier(expr)) return expr.text;
  if (ts.isBinaryExpression(expr)) return placeholder(expr.left, sf);
  if (ts.isCallExpression(expr) && ts.isIdentifier(expr.expression) && expr.arguments[0])
    return ['String', 'Number', 'JSON'].includes(expr.expression.text)
      ? placeholder(expr.arguments[0], sf)
      : expr.expression.text;
  if (ts.isPropertyAccessExpression(expr)) return expr.name.text;
  if (ts.isCallExpression(expr) && ts.isPropertyAccessExpression(expr.expression)) {
    // Math.round(ms / 1000), String(x), JSON.stringify(x): name the argument, not the helper.
    const helper = expr.expression.expression;
    if (ts.isIdentifier(helper) && ['Math', 'JSON', 'Number', 'String'].includes(helper.text) && expr.arguments[0])
      return placeholder(expr.arguments[0], sf);
    const target = expr.expression.expression;
    if (ts.isIdentifier(target) || ts.isPropertyAccessExpression(target)) return placeholder(target, sf);
  }
  void sf;
  return '…';
}

function exitFromOptions(obj) {
  if (!obj || !ts.isObjectLiteralExpression(obj)) return { hint: undefined, exit: undefined };
  let hint;
  let exit;
  for (const p of obj.properties) {
    if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) continue;
    const key = p.name && ts.isIdentifier(p.name) ? p.name.text : undefined;
    const init = ts.isPropertyAssignment(p) ? p.initializer : undefined;
    if (key === 'hint') hint = init ? (shape(init) ?? '(computed)') : '(computed)';
    if (key === 'exitCode') {
      // `ExitCode.Usage`, or `x ? ExitCode.Usage : ExitCode.Error`: every name it can take.
      const names = [];
      const find = (n) => {
        if (ts.isPropertyAccessExpression(n) && n.name.text in EXIT) names.push(n.name.text);
        else if (ts.isNumericLiteral(n))
          names.push(Object.keys(EXIT).find((k) => EXIT[k] === Number(n.text)) ?? n.text);
        else ts.forEachChild(n, find);
      };
      if (init) find(init);
      exit = names.length ? names : ['varies'];
    }
  }
  return { hint, exit };
}

/** Every raise site in src/: {code, message, hint, exit, where}. */
export function collectRaises(root) {
  const out = [];
  for (const file of walk(join(root, 'src'), '.ts')) {
    const text = readFileSync(file, 'utf8');
    if (!/UserError|usageError/.test(text)) continue;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      const isNew =
        ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'UserError';
      const isUsage =
        ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'usageError';
      const args = isNew || isUsage ? (node.arguments ?? []) : [];
      const first = args[0];
      if (
        first &&
        (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) &&
        /^[A-Z][A-Z0-9_]+$/.test(first.text)
      ) {
        const message = shape(args[1], sf) ?? '(computed)';
        let hint;
        let exit;
        if (isUsage) {
          hint = args[2] ? (shape(args[2], sf) ?? '(computed)') : undefined;
          exit = ['Usage'];
        } else {
          ({ hint, exit } = exitFromOptions(args[2]));
          exit ??= ['Error'];
        }
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        out.push({ code: first.text, message, hint, exit, where: `${relative(root, file)}:${line}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Runbook pages and the codes (or `PREFIX_*` patterns) their front matter claims. */
export function runbookCodes(root) {
  const dir = join(root, 'docs', 'runbooks');
  const out = [];
  for (const file of walk(dir, '.md')) {
    const text = readFileSync(file, 'utf8');
    const fm = /^---\n([\s\S]*?)\n---\n/.exec(text);
    const meta = fm ? (parseYaml(fm[1]) ?? {}) : {};
    const title = /^# (.+)$/m.exec(text)?.[1]?.replace(/^Runbook:\s*/, '') ?? relative(dir, file);
    out.push({ page: relative(join(root, 'docs'), file).replaceAll('\\', '/'), title, codes: meta.codes ?? [] });
  }
  return out;
}

function matches(pattern, code) {
  return pattern.endsWith('*') ? code.startsWith(pattern.slice(0, -1)) : pattern === code;
}

// Table cells: `|` would end the cell, `<name>` would be read as an HTML tag, `{{` as a Vue interpolation on the site.
const cell = (s) =>
  s
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('{{', '&#123;&#123;');

/** The page: one section per code, sorted, with every distinct message shape. */
export function renderErrorCodeDocs(root) {
  const raises = collectRaises(root);
  const runbooks = runbookCodes(root);
  const byCode = new Map();
  for (const r of raises) byCode.set(r.code, [...(byCode.get(r.code) ?? []), r]);
  byCode.set('INTERNAL', [
    {
      code: 'INTERNAL',
      message: 'a bug in kcops',
      hint: 'Run again with --debug for the stack trace.',
      exit: 'Error',
      where: 'src/errors.ts',
    },
  ]);
  const codes = [...byCode.keys()].sort();
  const lines = [
    '# Troubleshooting by error code',
    '',
    '<!-- Generated by scripts/gen-error-docs.mjs from the UserError calls in src/ and the `codes:` front matter of',
    '     docs/runbooks/*.md. Do not edit: a unit test compares this page with the source. -->',
    '',
    'Every error kcops reports carries a stable code (with `-o json`: `error.code` on stderr). Find it below: what the',
    'message looks like (`<name>` stands for a value filled in at run time), the hint kcops prints with it, the exit code',
    '([exit codes](exit-codes.md)) and the runbook that walks through it. `(computed)` means the text is assembled at run',
    'time. Each entry also names where in the source the error is raised.',
    '',
    `${codes.length} codes. Runbooks: ${runbooks.map((r) => `[${r.title}](../${r.page})`).join(', ')}.`,
    '',
  ];
  for (const code of codes) {
    const sites = byCode.get(code);
    const books = runbooks.filter((r) => r.codes.some((p) => matches(p, code)));
    const exits = [...new Set(sites.flatMap((s) => s.exit))]
      .sort((a, b) => (EXIT[a] ?? 9) - (EXIT[b] ?? 9))
      .map((e) => (e in EXIT ? `${EXIT[e]} (\`${e}\`)` : e));
    lines.push(`## ${code}`, '');
    lines.push(`- **exit code:** ${exits.join(', ')}`);
    lines.push(
      `- **runbook:** ${books.length ? books.map((r) => `[${r.title}](../${r.page})`).join(', ') : 'none: the message and hint are the whole story'}`,
    );
    lines.push('', '| message | hint | raised in |', '|---|---|---|');
    const seen = new Set();
    for (const s of sites) {
      const key = `${s.message}\u0000${s.hint ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`| ${cell(s.message)} | ${s.hint ? cell(s.hint) : '—'} | \`${s.where.replace(/:\d+$/, '')}\` |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
