import type { AclGrant } from '../kafka/admin.js';
import { INTERNAL_TOPIC_PREFIX, leaderTransactionalId } from './configs.js';
import type { Credentials } from './credentials.js';
import type { DevSettings } from './settings.js';

/** Team service account → the resource prefix it owns (topics `payments.*`, groups `connect-payments*`). */
export function teamPrefix(account: string): string {
  return account.replace(/^sa-/, '');
}

/**
 * Least privilege, the Confluent Cloud way: the worker may use its own internal topics and group only; each team's
 * service account owns its topic prefix and the consumer groups of its sink connectors (`connect-<name>`).
 */
export function devAcls(s: DevSettings, c: Credentials): AclGrant[] {
  const worker = `User:${c.kafka.worker.username}`;
  const grants: AclGrant[] = [
    { principal: worker, resource: 'TOPIC', name: INTERNAL_TOPIC_PREFIX, pattern: 'PREFIXED', operations: ['ALL'] },
    { principal: worker, resource: 'GROUP', name: s.connectGroup, pattern: 'LITERAL', operations: ['ALL'] },
    {
      principal: worker,
      resource: 'CLUSTER',
      name: 'kafka-cluster',
      pattern: 'LITERAL',
      operations: ['DESCRIBE', 'DESCRIBE_CONFIGS'],
    },
  ];
  if (s.exactlyOnceSource) {
    // KIP-618: the leader writes the config topic through a transactional producer of its own.
    grants.push(
      {
        principal: worker,
        resource: 'TRANSACTIONAL_ID',
        name: leaderTransactionalId(s),
        pattern: 'LITERAL',
        operations: ['ALL'],
      },
      {
        principal: worker,
        resource: 'CLUSTER',
        name: 'kafka-cluster',
        pattern: 'LITERAL',
        operations: ['IDEMPOTENT_WRITE'],
      },
    );
  }
  for (const [account, id] of Object.entries(c.kafka.serviceAccounts)) {
    const principal = `User:${id.username}`;
    const prefix = teamPrefix(account);
    grants.push(
      { principal, resource: 'TOPIC', name: `${prefix}.`, pattern: 'PREFIXED', operations: ['ALL'] },
      { principal, resource: 'GROUP', name: `connect-${prefix}`, pattern: 'PREFIXED', operations: ['ALL'] },
      { principal, resource: 'TRANSACTIONAL_ID', name: prefix, pattern: 'PREFIXED', operations: ['ALL'] },
      // A source task's transactional id is `<connect group>-<connector>-<task>` (KIP-618): the team owns those of
      // its connectors, and fences them through its admin override when a task restarts.
      {
        principal,
        resource: 'TRANSACTIONAL_ID',
        name: `${s.connectGroup}-${prefix}`,
        pattern: 'PREFIXED',
        operations: ['ALL'],
      },
      {
        principal,
        resource: 'CLUSTER',
        name: 'kafka-cluster',
        pattern: 'LITERAL',
        operations: ['DESCRIBE', 'IDEMPOTENT_WRITE'],
      },
    );
  }
  return grants;
}
