import type { Category, Severity } from '../finding.js';

/**
 * The online rules, declared apart from the checker so that listing them (docs, SARIF) does not load the cluster
 * clients: an offline `kcops validate` never imports those.
 */
export interface OnlineRule {
  id: string;
  category: Category;
  severity: Severity;
  summary: string;
}

export const ONLINE = {
  unreachable: {
    id: 'plugin/cluster-unreachable',
    category: 'plugin',
    severity: 'error',
    summary: "The environment's cluster cannot be reached; online checks were skipped",
  },
  notInstalled: {
    id: 'plugin/not-installed',
    category: 'plugin',
    severity: 'error',
    summary: 'The connector plugin is not installed on the cluster',
  },
  remote: {
    id: 'remote-validate/error',
    category: 'remote-validate',
    severity: 'error',
    summary: "The cluster's own config validation (PUT /connector-plugins/{class}/config/validate) reports an error",
  },
  topicMissing: {
    id: 'topic/missing',
    category: 'topic',
    severity: 'error',
    summary: 'A topic the sink reads does not exist',
  },
  topicPending: {
    id: 'topic/pending',
    category: 'topic',
    severity: 'info',
    summary: 'A topic the sink reads does not exist yet, but a source connector of the same environment produces it',
  },
  dlqMissing: {
    id: 'topic/dlq-missing',
    category: 'topic',
    severity: 'info',
    summary: 'The DLQ topic does not exist yet; Connect creates it (the principal needs CREATE)',
  },
  acl: {
    id: 'permission/missing-acl',
    category: 'permission',
    severity: 'error',
    summary: "The connector's principal lacks an ACL it needs",
  },
  unresolved: {
    id: 'secret/unresolvable',
    category: 'secret',
    severity: 'error',
    summary: 'A secret reference does not resolve on the worker',
  },
  serviceAccount: {
    id: 'permission/service-account-missing',
    category: 'permission',
    severity: 'error',
    summary: "A managed connector's kafka.service.account.id names no Confluent Cloud service account (IAM v2)",
  },
  roleBinding: {
    id: 'permission/connector-role-binding',
    category: 'permission',
    severity: 'warning',
    summary:
      "The team's service account holds no ResourceOwner or ConnectManager role binding covering the managed connector",
  },
  unsupported: {
    id: 'plugin/online-unsupported',
    category: 'plugin',
    severity: 'info',
    summary: 'Online checks are not available for this cluster type yet',
  },
} as const satisfies Record<string, OnlineRule>;

export const onlineRuleList: OnlineRule[] = Object.values(ONLINE);
