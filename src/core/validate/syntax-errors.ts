import type { ConnectorFile } from '../project/connector-file.js';
import { DEFAULT_POLICY } from './policy.js';
import type { Position } from './finding.js';
import type { ConnectorContext } from './rule.js';
import { syntaxRules } from './rules/syntax.js';

export interface SyntaxProblem {
  rule: string;
  message: string;
  at: Position;
}

/**
 * The error-level findings about how a file is written (invalid JSON, a key twice, a number where Connect wants a
 * string, ...), from the very rules `kcops validate` runs: plan and apply refuse a file validate calls broken, instead
 * of deploying the value a parser happened to keep.
 */
export function syntaxErrors(file: ConnectorFile): SyntaxProblem[] {
  // Syntax rules read only the file; the rest of the context is what a loose file would get.
  const ctx: ConnectorContext = {
    file,
    cls: undefined,
    plugin: undefined,
    kind: undefined,
    managed: false,
    policy: DEFAULT_POLICY,
    // Strict: a value whose meaning depends on a parser (a number, a key twice) is never deployed, whatever the
    // environment's validate policy says about reporting it.
    severityMode: 'strict',
    relPath: file.path,
    get: (k) => file.config.get(k),
    value: (k) => file.config.get(k)?.value,
  };
  return syntaxRules.flatMap((rule) =>
    rule
      .check(ctx)
      .filter((d) => (d.severity ?? rule.severity) === 'error')
      .map((d) => ({ rule: rule.id, message: d.message, at: d.at ?? { line: 1, column: 1 } })),
  );
}
