import { UserError } from '../errors.js';
import { VERB_PHRASE, type CloudVerb } from './confluent-cloud/connector-verbs.js';

/**
 * The one refusal for "this key may not touch this connector" (issue #15 §2), whoever says it: kcops before any
 * request (core/auth/ownership-guard.ts) or the workers' access extension with a 403. Both name the connector, the
 * team that owns its name, the key in use and how to get access, so the same situation reads the same either way.
 */
export interface NotOwned {
  connector: string;
  /** read: any request about the connector (viewer); change: a mutation (operator). */
  access: 'read' | 'change';
  /** The team owning the connector's name prefix; undefined when no team's prefix matches. */
  owner: string | undefined;
  /** The key's role on that team, when it has one (a viewer asking to change). */
  held?: string | undefined;
  keyId: string | undefined;
  principal: string | undefined;
  /** Where the key came from (`kcops login (...)`, `${env:KCOPS_CONNECT_KEY_SECRET}`, a kcops.yaml reference). */
  credentialSource?: string | undefined;
  /** Who said no: kcops before calling, or the cluster (403). */
  decidedBy: 'kcops' | 'cluster';
  /** On Confluent Cloud: role bindings instead of teams (core/auth/cloud-roles.ts). */
  cloud?: CloudNotOwned | undefined;
}

export interface CloudNotOwned {
  /** The day-2 verb refused (a column of Confluent's table). */
  verb: CloudVerb;
  /** The least role that does it, to ask for. */
  role: string;
  /** The bindings the key owner holds on the connector (`DeveloperRead on crn://…`), when kcops read them. */
  held?: string[] | undefined;
  /** sa-… or u-…, for the role binding to create. */
  principalId?: string | undefined;
  environmentId: string;
  kafkaClusterId: string;
}

export function connectorNotOwned(n: NotOwned): UserError {
  if (n.cloud) return cloudNotOwned(n, n.cloud);
  const key = `${n.keyId ? `key ${n.keyId}` : 'the key in use'}${n.principal ? ` (${n.principal})` : ''}`;
  // Without viewer there is no operator either: a refused read is a refused change too (pause reads the status first).
  const verb = n.access === 'read' ? 'read or change' : 'change';
  const why =
    n.owner === undefined
      ? 'no team owns that name (no prefix in the ownership table matches)'
      : n.held
        ? `it belongs to team '${n.owner}', on which this key is only ${n.held}`
        : `it belongs to team '${n.owner}'`;
  const said = n.decidedBy === 'kcops' ? 'Refused before calling the cluster' : 'The workers refused it (403)';
  const from = n.credentialSource ? ` Key from: ${n.credentialSource}.` : '';
  const access =
    n.owner === undefined
      ? `Name the connector with the prefix of a team (kcops.yaml \`teams\`), or ask an admin to run it.`
      : `To act on it, use a key with ${n.access === 'read' ? 'viewer (to read) or operator (to change)' : 'operator (or admin)'} on team '${n.owner}': ask its admin for one (\`kcops access keys create --principal <you> --role ${n.owner}=operator\`), then \`kcops login --env <env> --key-file <file>\`.`;
  return new UserError('CONNECTOR_NOT_OWNED', `${said}: ${key} may not ${verb} connector '${n.connector}': ${why}.`, {
    hint: `${access}${from} See docs/runbooks/auth-errors.md.`,
  });
}

/**
 * The Confluent Cloud form: the key owner's role bindings decide, so the hint names the role binding to ask for
 * (docs/reference/cloud-connector-roles.md has the table and its sources).
 */
function cloudNotOwned(n: NotOwned, c: CloudNotOwned): UserError {
  const key = `${n.keyId ? `API key ${n.keyId}` : 'the API key in use'}${n.principal ? ` (${n.principal})` : ''}`;
  const what = VERB_PHRASE[c.verb];
  const why =
    n.decidedBy === 'kcops'
      ? c.held && c.held.length > 0
        ? `its role bindings there (${c.held.join(', ')}) do not allow it`
        : 'its owner holds no role binding on that connector, its cluster, environment or organisation that allows it'
      : 'Confluent Cloud answered 403';
  const said = n.decidedBy === 'kcops' ? 'Refused before calling Confluent Cloud' : 'Confluent Cloud refused it (403)';
  const from = n.credentialSource ? ` Key from: ${n.credentialSource}.` : '';
  const principal = c.principalId ? `User:${c.principalId}` : 'User:<key owner>';
  return new UserError('CONNECTOR_NOT_OWNED', `${said}: ${key} may not ${what} connector '${n.connector}': ${why}.`, {
    hint: `Ask an admin of ${c.kafkaClusterId} for ${c.role} on the connector (or a prefix of its name), e.g. \`confluent iam rbac role-binding create --principal ${principal} --role ${c.role} --environment ${c.environmentId} --cloud-cluster ${c.kafkaClusterId} --resource Connector:${n.connector}\` (Cloud Console: Accounts & access → Access → the cluster → Connectors), or use a key whose owner has it.${from} See docs/runbooks/auth-errors.md.`,
  });
}

/**
 * The access extension's 403 about a connector (AuthorizationFilter: "API key K (P) may not read|change connector
 * 'N': it belongs to team 'T'." or "...: no team owns that name."); undefined for any other 403.
 */
export function parseNotOwned(message: string): Omit<NotOwned, 'decidedBy' | 'credentialSource'> | undefined {
  const m =
    /^API key (\S+) \((.*)\) may not (read|change) connector '(.*)': (?:it belongs to team '(.*)'|no team owns that name)\.$/s.exec(
      message,
    );
  if (!m) return undefined;
  return {
    keyId: m[1],
    principal: m[2],
    access: m[3] as 'read' | 'change',
    connector: m[4] ?? '',
    owner: m[5],
  };
}
