import type { AclGrant } from '../kafka/admin.js';
import { INTERNAL_TOPIC_PREFIX } from './configs.js';
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
  for (const [account, id] of Object.entries(c.kafka.serviceAccounts)) {
    const principal = `User:${id.username}`;
    const prefix = teamPrefix(account);
    grants.push(
      { principal, resource: 'TOPIC', name: `${prefix}.`, pattern: 'PREFIXED', operations: ['ALL'] },
      { principal, resource: 'GROUP', name: `connect-${prefix}`, pattern: 'PREFIXED', operations: ['ALL'] },
      { principal, resource: 'TRANSACTIONAL_ID', name: prefix, pattern: 'PREFIXED', operations: ['ALL'] },
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
