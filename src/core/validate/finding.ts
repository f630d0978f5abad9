/** What a validation rule reports: one problem at one place, with a stable rule id (issue #3 §2). */
export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CATEGORIES = [
  'syntax',
  'shape',
  'schema',
  'required',
  'unknown-key',
  'type',
  'deprecated',
  'secret',
  'dlq',
  'exactly-once',
  'converter',
  'ownership',
  'plugin',
  'remote-validate',
  'topic',
  'permission',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Position {
  line: number;
  column: number;
}

export interface Finding {
  rule: string;
  severity: Severity;
  category: Category;
  message: string;
  file: string;
  line: number;
  column: number;
  hint?: string;
}

/** What a rule hands back; the runner adds rule id, category, file and the default severity. */
export interface Draft {
  message: string;
  at?: Position;
  hint?: string;
  severity?: Severity;
}

/** The milder of two severities (error > warning > info). */
export function milder(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

export const START: Position = { line: 1, column: 1 };

export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule);
}
