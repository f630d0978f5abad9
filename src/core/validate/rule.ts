import type { ConnectorFile, ConfigEntry } from '../project/connector-file.js';
import type { LoadedProject } from '../project/load-project.js';
import type { Environment, Policy, Project } from '../project/schema.js';
import type { PluginDef } from './catalog/index.js';
import type { Category, Draft, Finding, Severity } from './finding.js';

/** What a connector rule sees: one loaded file and what is known about its connector and environment. */
export interface ConnectorContext {
  file: ConnectorFile;
  /** connector.class as written (undefined when missing). */
  cls: string | undefined;
  plugin: PluginDef | undefined;
  kind: 'source' | 'sink' | undefined;
  /** Confluent Cloud managed connector (by environment, or by a managed class name for loose files). */
  managed: boolean;
  policy: Policy;
  /** Strict (production) or advisory severities: see policySeverity() and RuleBase.advisory. */
  severityMode: 'strict' | 'advisory';
  /** Set inside a repository: the environment the file's folder names. */
  env?: { name: string; def: Environment | undefined };
  project?: Project;
  projectRoot?: string;
  /** Relative to the repository root (or as given for loose files), with forward slashes. */
  relPath: string;
  get(key: string): ConfigEntry | undefined;
  value(key: string): string | undefined;
}

/** What a repository rule sees: the whole repository at once (cross-file checks, kcops.yaml, schemas). */
export interface RepoContext {
  project: LoadedProject;
  connectors: ConnectorContext[];
  avroFiles: { path: string; relPath: string; text: string | undefined }[];
  /** Findings of the Terraform checks (core/terraform), when the repository has terraform/ or --terraform was given. */
  terraform?: Finding[];
}

export interface RepoDraft extends Draft {
  /** Which file the finding is about (relative path); defaults to kcops.yaml. */
  file?: string;
}

/** An example that doubles as documentation and as the rule's positive/negative unit test. */
export interface RuleExample {
  /** Path of the file inside the example repository (or a loose file when `project` is absent). */
  path: string;
  content: string;
  /** How to write `content` to disk; latin1 makes non-UTF-8 bytes from \u0080-\u00ff. Default utf8. */
  encoding?: 'utf8' | 'latin1';
  /** kcops.yaml of the example repository; absent = a loose file with the strict default policy. */
  project?: string;
  /** Further files of the example repository. */
  files?: Record<string, string>;
}

interface RuleBase {
  id: string;
  category: Category;
  severity: Severity;
  /**
   * The severity under an advisory policy (dev environments, loose files): set on rules that enforce a convention or
   * a production policy rather than a config Connect would reject. Absent = the same in every mode.
   */
  advisory?: Severity;
  summary: string;
  /** Examples are required of offline rules; online rules are tested against the dev stack instead. */
  examples?: { failing: RuleExample; passing: RuleExample };
}

export interface ConnectorRule extends RuleBase {
  scope: 'connector';
  check(ctx: ConnectorContext): Draft[];
}

export interface RepoRule extends RuleBase {
  scope: 'repo';
  check(ctx: RepoContext): RepoDraft[];
}

export type Rule = ConnectorRule | RepoRule;

/** Rule modules declare their rules with these so that types are checked without repeating `scope`. */
export function connectorRule(r: Omit<ConnectorRule, 'scope'>): ConnectorRule {
  return { ...r, scope: 'connector' };
}
export function repoRule(r: Omit<RepoRule, 'scope'>): RepoRule {
  return { ...r, scope: 'repo' };
}

/** The REST body of a connector, for rule examples. */
export function restBody(
  name: string,
  config: Record<string, string | number | boolean>,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ name, config: { ...config }, ...extra }, null, 2) + '\n';
}
