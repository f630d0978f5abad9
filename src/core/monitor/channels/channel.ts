import type { AlertSubject, Notification } from '../alert-state.js';

/** One notification as every destination sees it. */
export interface AlertMessage {
  action: Notification['action'];
  reason: Notification['reason'];
  env: string;
  /** Where the cluster is (URL or lkc id), never with credentials. */
  cluster: string;
  alert: AlertSubject;
  at: string;
}

/** A destination ready to send. `preview` is what `--dry-run` prints: the request with every secret masked. */
export interface Channel {
  readonly name: string;
  readonly type: string;
  preview(m: AlertMessage): unknown;
  send(m: AlertMessage): Promise<void>;
  /** Channels read by people: several changes of one round as one message (a digest). */
  sendDigest?(ms: AlertMessage[]): Promise<void>;
  previewDigest?(ms: AlertMessage[]): unknown;
  close?(): void;
}

/** The first line of a digest: how many alerts opened and resolved. */
export function digestHeadline(ms: AlertMessage[]): string {
  const env = ms[0]?.env ?? '';
  const opened = ms.filter((m) => m.action === 'trigger').length;
  const resolved = ms.length - opened;
  const parts = [opened ? `${opened} alert(s)` : '', resolved ? `${resolved} recovered` : ''].filter(Boolean);
  return `[${env}] ${parts.join(', ')}`;
}

/** Turns a `${provider:path:key}` reference into its value, only when a message is really sent. */
export type ResolveSecret = (ref: string) => string;

export const MASK = '****';

/** One line saying what happened. */
export function headline(m: AlertMessage): string {
  if (m.action === 'trigger') return m.reason === 'renotify' ? `${m.alert.summary} (still)` : m.alert.summary;
  const what =
    m.alert.task !== undefined
      ? `connector ${m.alert.connector} task ${m.alert.task}`
      : `connector ${m.alert.connector}`;
  return m.alert.kind === 'unassigned' ? `[${m.env}] ${what} is assigned again` : `[${m.env}] ${what} recovered`;
}

/** Name/value pairs shown under the headline. */
export function facts(m: AlertMessage): [string, string][] {
  return [
    ['Environment', m.env],
    ['Connector', m.alert.connector],
    ...(m.alert.task !== undefined ? [['Task', String(m.alert.task)] as [string, string]] : []),
    ['State', m.action === 'resolve' ? 'recovered' : stateWord(m.alert.kind)],
    ...(m.alert.severity ? [['Severity', m.alert.severity] as [string, string]] : []),
    ...(m.alert.workerId ? [['Worker', m.alert.workerId] as [string, string]] : []),
    ['Cluster', m.cluster],
    ['Time', m.at],
  ];
}

/** The command to look further, for the human channels. */
export function nextStep(m: AlertMessage): string {
  return m.action === 'trigger'
    ? `kcops connect status ${m.alert.connector} --env ${m.env}; kcops connect logs ${m.alert.connector} --env ${m.env}`
    : '';
}

function stateWord(kind: AlertMessage['alert']['kind']): string {
  if (kind === 'unassigned') return 'UNASSIGNED';
  if (kind === 'connector-failed' || kind === 'task-failed') return 'FAILED';
  return kind;
}
