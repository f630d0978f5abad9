import type { ConnectCluster } from '../../connect/cluster.js';
import type { OpsTarget } from '../observe/target.js';
import type { Reporter } from '../reporter.js';
import { cloudCheck, type CloudRoleSource } from './cloud-guard.js';
import { guardConnectorCalls, type ConnectorCheck } from './connector-guard.js';
import { guardOwnership } from './ownership-guard.js';
import type { Ownership } from './ownership.js';

/**
 * Day-2 commands' cluster: the ownership check of issue #15 in front of it. Self-managed: the teams of kcops.yaml (or,
 * for the dev stack outside a repository, of its key file). Confluent Cloud: the key owner's role bindings
 * (core/auth/cloud-guard.ts), read once per command; when they cannot be read Cloud decides, and the reason is a
 * debug note. `check` is the same pre-check for commands that reach a connector by other APIs (logs, metrics).
 */
export function day2Guard(
  t: OpsTarget,
  c: ConnectCluster,
  cloudRoles?: CloudRoleSource,
  reporter?: Reporter,
): { connect: ConnectCluster; check: ConnectorCheck } {
  if (t.clusterType !== 'self-managed') {
    if (!cloudRoles) return { connect: c, check: async () => {} };
    const check = cloudCheck(c, {
      roles: cloudRoles,
      credentialSource: t.cloud?.credentialRef ?? t.connect.credentialRef,
      note: (m) => reporter?.debug(m),
    });
    return { connect: guardConnectorCalls(c, check), check };
  }
  const declared: Ownership = t.project?.teams ?? {};
  const ownership = Object.keys(declared).length > 0 ? declared : (t.teams ?? {});
  return {
    connect: guardOwnership(c, { ownership, credentialSource: t.connect.credentialRef }),
    check: async () => {},
  };
}
