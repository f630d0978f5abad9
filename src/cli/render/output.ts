import type { CommandResult, OutputFormat, Style } from '../context.js';
import { InternalError, UserError } from '../../errors.js';
import { redactDeep, redactText } from '../../core/secrets/sensitive.js';
import { sanitizeCell, sanitizeTerminal } from './terminal.js';
import { cell } from './plan-markdown.js';

/** Every machine-readable document carries formatVersion (ARCHITECTURE habit 9). */
export const FORMAT_VERSION = 1;

/** YAML is loaded only when asked for: it is the heaviest import of the CLI and most runs never need it. */
export type YamlStringify = (value: unknown) => string;

export async function loadYaml(): Promise<YamlStringify> {
  return (await import('yaml')).stringify;
}

export function renderResult(
  result: CommandResult,
  format: OutputFormat,
  style: Style,
  toYaml?: YamlStringify,
): string {
  switch (format) {
    // Every format passes the one redaction (core/secrets/sensitive.ts) on its way out, whatever the command built.
    case 'json':
      return JSON.stringify(redactDeep({ formatVersion: FORMAT_VERSION, ...result.data }), null, 2) + '\n';
    case 'yaml':
      if (!toYaml) throw new InternalError('YAML output requested without loading the YAML module');
      return toYaml(redactDeep({ formatVersion: FORMAT_VERSION, ...result.data }));
    case 'sarif':
    case 'junit':
    case 'markdown':
    case 'csv': {
      const report = result.reports?.[format];
      if (!report) throw new InternalError(`the command declared -o ${format} but produced no ${format} report`);
      return redactText(report());
    }
    case 'human': {
      const text = sanitizeTerminal(redactText(result.human(style)));
      return text.length === 0 || text.endsWith('\n') ? text : text + '\n';
    }
  }
}

export interface ErrorView {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
  stack?: string;
}

/** What an error shows, with credentials masked: servers echo URLs and configs into their messages. */
export function errorView(e: unknown, debug: boolean): ErrorView {
  const v = rawErrorView(e, debug);
  const view: ErrorView = { code: v.code, message: redactText(v.message) };
  if (v.hint !== undefined) view.hint = redactText(v.hint);
  if (v.details) view.details = v.details.map(redactText);
  if (v.stack !== undefined) view.stack = redactText(v.stack);
  return view;
}

function rawErrorView(e: unknown, debug: boolean): ErrorView {
  if (e instanceof UserError) {
    const view: ErrorView = { code: e.code, message: e.message };
    if (e.hint) view.hint = e.hint;
    if (e.details.length > 0) view.details = e.details;
    if (debug && e.stack) view.stack = e.stack;
    return view;
  }
  const err = e instanceof Error ? e : new InternalError(String(e));
  const view: ErrorView = {
    code: 'INTERNAL',
    message: `kcops hit a bug: ${err.message}`,
    hint: debug
      ? 'Please report this with the stack trace below and `kcops --version`.'
      : 'Run again with --debug for the stack trace, and report it with `kcops --version`.',
  };
  if (debug && err.stack) view.stack = err.stack;
  return view;
}

export function renderError(view: ErrorView, format: OutputFormat, style: Style, toYaml?: YamlStringify): string {
  // sarif, junit and csv are reports; an error that prevents a report is written as JSON, still machine-readable.
  if (format === 'json' || format === 'sarif' || format === 'junit' || format === 'csv')
    return JSON.stringify({ formatVersion: FORMAT_VERSION, error: view }, null, 2) + '\n';
  // A pull-request comment that says the plan failed, and why, instead of a JSON document.
  if (format === 'markdown')
    return `**kcops failed** <code>${cell(view.code)}</code>: ${cell(view.message)}${view.hint ? `\n\n${cell(view.hint)}` : ''}\n`;
  if (format === 'yaml' && toYaml) return toYaml({ formatVersion: FORMAT_VERSION, error: view });
  if (format === 'yaml') return JSON.stringify({ formatVersion: FORMAT_VERSION, error: view }, null, 2) + '\n';
  const lines = [`${style.red(style.bold('Error'))} ${style.dim(`[${view.code}]`)} ${view.message}`];
  for (const d of view.details ?? []) lines.push(`  ${style.dim('│')} ${d}`);
  if (view.hint) lines.push(`${style.cyan('Hint:')} ${view.hint}`);
  if (view.stack) lines.push(style.dim(view.stack));
  return sanitizeTerminal(lines.join('\n')) + '\n';
}

/** A plain aligned table for human views. */
export function table(headers: string[], untrustedRows: string[][]): string {
  const rows = untrustedRows.map((r) => r.map(sanitizeCell));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(c))))
      .join('  ')
      .trimEnd();
  return [fmt(headers), ...rows.map(fmt)].join('\n');
}

function visibleLength(s: string): number {
  // eslint-disable-next-line no-control-regex -- strip ANSI colour codes to measure width
  return s.replace(/\u001b\[[0-9;]*m/g, '').length;
}
