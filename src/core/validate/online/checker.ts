import type { ConnectCluster } from '../../../connect/cluster.js';
import type { DescribedAcl } from '../../../kafka/admin.js';
import { isUserError } from '../../../errors.js';
import type { Reporter } from '../../reporter.js';
import { environmentOf } from '../../project/environments.js';
import type { Project } from '../../project/schema.js';
import { findSecretRefs } from '../../secrets/reference.js';
import type { Backend } from '../../environment/backend.js';
import { openEnvironment } from '../../environment/open.js';
import type { OpsTarget } from '../../observe/target.js';
import type { Finding, Severity } from '../finding.js';
import { ONLINE, type OnlineRule } from './rules.js';
import type { ConnectorContext } from '../rule.js';
import type { OnlineChecker } from '../run.js';

export { ONLINE, onlineRuleList } from './rules.js';

function finding(
  rule: OnlineRule,
  file: string,
  message: string,
  at?: { line: number; column: number },
  hint?: string,
  severity?: Severity,
): Finding {
  return {
    rule: rule.id,
    category: rule.category,
    severity: severity ?? rule.severity,
    message,
    file,
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    ...(hint ? { hint } : {}),
  };
}

export interface CheckerOptions {
  env: NodeJS.ProcessEnv;
  reporter?: Reporter;
}

/**
 * The online checks of `kcops validate`, against each environment's cluster as openEnvironment gives it (the same
 * clients, credentials, TLS and timeouts as plan and apply), with references in connector configs that kcops cannot
 * resolve sent as written: the offline secret rules already explain them.
 */
export function onlineChecker(opts: CheckerOptions): OnlineChecker {
  return async (envName, connectors, loaded) => {
    const project = loaded.project;
    const def = project ? environmentOf(project, envName) : undefined;
    if (!project || !def) return [];
    const file = connectors[0]?.file.path ?? loaded.file;
    let backend: Backend | undefined;
    try {
      backend = await openEnvironment(
        { cwd: loaded.root, config: loaded.file, env: envName, processEnv: opts.env },
        { secrets: 'lenient' },
      );
      // A Confluent Cloud environment without a Cloud API key (kcops.yaml's or the user's own): nothing to ask with.
      if (backend.target.cloud && !backend.target.cloud.apiKey) {
        await backend.close();
        return [
          finding(
            ONLINE.unsupported,
            file,
            `Environment ${envName} is ${def.cluster.type} without cluster.credentials: kcops cannot ask it, so online checks were skipped.`,
          ),
        ];
      }
      void backend.connect; // made now: a credential it cannot use is reported here, like a wrong key
    } catch (e) {
      await backend?.close();
      return [
        finding(
          ONLINE.unreachable,
          file,
          `Environment ${envName}: ${(e as Error).message}`,
          undefined,
          'Fix the cluster credentials in kcops.yaml, or run with --offline.',
        ),
      ];
    }
    const where = whereIs(backend.target);
    opts.reporter?.info(`validate: checking ${connectors.length} connector(s) of ${envName} against ${where}`);
    try {
      return await checkEnvironment(envName, connectors, asked(backend, where), project);
    } catch (e) {
      if (e instanceof ClusterUnreachable) {
        return [
          finding(
            ONLINE.unreachable,
            file,
            `Environment ${envName}: ${e.message}. Online checks were skipped; the offline findings stand.`,
            undefined,
            'Is the cluster up and the URL right? `kcops validate --offline` skips these checks.',
          ),
        ];
      }
      throw e;
    } finally {
      await backend.close();
    }
  };
}

/** Where the environment's cluster is, for messages. */
function whereIs(t: OpsTarget): string {
  return t.cloud
    ? `Confluent Cloud ${t.cloud.environmentId}/${t.cloud.kafkaClusterId}`
    : `Connect at ${t.connect.urls.join(', ')}`;
}

/** A cluster that could not be asked: one finding, and the offline findings stand. */
class ClusterUnreachable extends Error {
  constructor(where: string, cause: unknown) {
    super(`${where} is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ClusterUnreachable';
  }
}

/**
 * Failures that mean the cluster could not be asked. Every error of Connect's REST API (CONNECT_*) does; of Confluent
 * Cloud's, those saying the service is not there, not answering or not taking the key; a refusal (CCLOUD_FORBIDDEN,
 * CCLOUD_REJECTED, ...) stops validate as it stops every command.
 */
const UNREACHABLE = /^CONNECT_|UNREACHABLE|UNAUTHORIZED|NOT_FOUND|RATE_LIMITED|SERVER_ERROR|KAFKA_REST|BAD_RESPONSE/;
/** The workers refused to validate a config (400, unknown class, an exception in the plugin): a finding on it. */
const REFUSED = /^CONNECT_(REJECTED|NOT_FOUND|SERVER_ERROR)$/;

/** Per connector: what the cluster says about its config; per key, the value after the worker's config providers. */
interface RemoteValidation {
  errors: { key: string; messages: string[] }[];
  resolved: Map<string, string | null>;
}

/** What the online rules ask of an environment, each answer's failure already told apart (see UNREACHABLE). */
export interface OnlineFacts {
  where: string;
  /** The connector plugins (transforms, converters and predicates are no connector.class). */
  plugins(): Promise<{ class: string; version: string }[]>;
  validateConfig(cls: string, config: Record<string, string>): Promise<RemoteValidation>;
  /** Absent when kcops.yaml gives no Kafka access for the environment. */
  topics?(): Promise<Set<string>>;
  aclsFor?(principal: string): Promise<DescribedAcl[]>;
  /** Absent on platforms without IAM (self-managed). */
  serviceAccountExists?(id: string): Promise<boolean>;
  connectorRoles?(principal: string, connector: string): Promise<string[]>;
}

function asked(b: Backend, where: string): OnlineFacts {
  const connect: ConnectCluster = b.connect;
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (isUserError(e) && UNREACHABLE.test(e.code)) throw new ClusterUnreachable(where, e);
      throw e;
    }
  };
  const kafka = b.kafkaMetadata;
  // Kafka that cannot be asked, whatever the failure: the topic and ACL rules are skipped, the others stand.
  const kafkaGuard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw new ClusterUnreachable(kafka!.where, e);
    }
  };
  const iam = b.iam;
  return {
    where,
    plugins: async () => (await guard(() => connect.plugins())).filter((p) => p.type === 'source' || p.type === 'sink'),
    validateConfig: async (cls, config) => {
      try {
        const v = await connect.validateConfig(cls, config);
        // Confluent Cloud echoes no values (it masks secrets, and kcops resolved the references): nothing to compare.
        return { errors: v.errors, resolved: new Map(Object.entries(v.values ?? {})) };
      } catch (e) {
        if (isUserError(e) && REFUSED.test(e.code))
          return { errors: [{ key: 'connector.class', messages: [e.message] }], resolved: new Map() };
        if (isUserError(e) && UNREACHABLE.test(e.code)) throw new ClusterUnreachable(where, e);
        throw e;
      }
    },
    ...(kafka
      ? {
          topics: () => kafkaGuard(() => kafka.topics()),
          aclsFor: (principal: string) => kafkaGuard(() => kafka.aclsFor(principal)),
        }
      : {}),
    ...(iam
      ? {
          serviceAccountExists: (id: string) => guard(() => iam.serviceAccountExists(id)),
          connectorRoles: (principal: string, connector: string) =>
            guard(() => iam.connectorRoles(principal, connector)),
        }
      : {}),
  };
}

/** Connect's own validation first, then topics, ACLs and references. One plugin list and one topic list per environment. */
export async function checkEnvironment(
  envName: string,
  connectors: ConnectorContext[],
  cluster: OnlineFacts,
  project: Project,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const plugins = await cluster.plugins();
  const topics = cluster.topics ? await cluster.topics() : undefined;
  const produced = producedTopicPatterns(connectors);
  const serviceAccounts = new Map<string, boolean>();
  for (const c of connectors) {
    if (!c.cls || c.file.shape !== 'rest' || !c.file.name) continue; // offline rules already explain why
    const file = c.file.path;
    const clsAt = c.get('connector.class')?.valueAt;
    const installed = plugins.find(
      (p) => p.class === c.cls || p.class.endsWith(`.${c.cls}`) || p.class.endsWith(`.${c.cls}Connector`),
    );
    if (!installed) {
      out.push(
        finding(
          ONLINE.notInstalled,
          file,
          `${c.cls} is not installed on ${cluster.where} (environment ${envName}).`,
          clsAt,
          `Installed: ${plugins.map((p) => `${p.class} ${p.version}`).join(', ') || 'none'}.`,
        ),
      );
      continue;
    }
    const config: Record<string, string> = { name: c.file.name.value };
    for (const e of c.file.config.values()) if (e.value !== undefined) config[e.key] = e.value;
    const remote = await cluster.validateConfig(installed.class, config);
    for (const err of remote.errors) {
      for (const m of err.messages)
        out.push(
          finding(ONLINE.remote, file, `${envName}: ${err.key}: ${m}`, c.get(err.key)?.keyAt ?? c.file.configAt),
        );
    }
    // A reference the worker could resolve comes back changed; one it could not comes back as written.
    for (const e of c.file.config.values()) {
      for (const ref of findSecretRefs(e.value ?? '')) {
        const provider = Object.hasOwn(project.secretProviders, ref.provider)
          ? project.secretProviders[ref.provider]
          : undefined;
        if (provider && provider.resolvedBy !== 'worker') continue;
        const back = remote.resolved.get(e.key);
        if (back !== undefined && back !== null && back.includes(ref.text)) {
          out.push(
            finding(
              ONLINE.unresolved,
              file,
              `${envName}: '${e.key}' references ${ref.provider}:${ref.path ?? ''}:${ref.key}, which the workers cannot resolve.`,
              e.valueAt,
              'Check that the file/key or variable exists on every worker and that the worker declares the provider.',
            ),
          );
        }
      }
    }
    if (topics && c.kind === 'sink') {
      for (const t of listOf(c.value('topics'))) {
        if (topics.has(t)) continue;
        // Deploying a pipeline at once (source + its sinks) is normal: the source creates the topic on its first record.
        const producer = produced.find((p) => (p.prefixed ? t.startsWith(p.name) : t === p.name));
        if (producer)
          out.push(
            finding(
              ONLINE.topicPending,
              file,
              `${envName}: topic '${t}' does not exist yet; ${producer.by} in this environment produces it.`,
              c.get('topics')?.valueAt,
            ),
          );
        else
          out.push(
            finding(
              ONLINE.topicMissing,
              file,
              `${envName}: topic '${t}' does not exist.`,
              c.get('topics')?.valueAt,
              'Create it first (topics are not created by sinks), or fix the name.',
            ),
          );
      }
      const dlq = c.value('errors.deadletterqueue.topic.name')?.trim();
      if (dlq && !topics.has(dlq) && !c.managed)
        out.push(
          finding(
            ONLINE.dlqMissing,
            file,
            `${envName}: DLQ topic '${dlq}' does not exist yet; Connect creates it on the first failed record.`,
            c.get('errors.deadletterqueue.topic.name')?.valueAt,
          ),
        );
    }
    const sa = c.value('kafka.service.account.id')?.trim();
    if (sa && c.value('kafka.auth.mode') === 'SERVICE_ACCOUNT' && cluster.serviceAccountExists) {
      let exists = serviceAccounts.get(sa);
      if (exists === undefined) serviceAccounts.set(sa, (exists = await cluster.serviceAccountExists(sa)));
      if (!exists)
        out.push(
          finding(
            ONLINE.serviceAccount,
            file,
            `${envName}: service account '${sa}' does not exist in Confluent Cloud.`,
            c.get('kafka.service.account.id')?.valueAt,
            'Create it (`confluent iam service-account create`) or fix the id: service accounts look like sa-abc123.',
          ),
        );
    }
    const principal = principalOf(c, project);
    if (principal && cluster.connectorRoles) {
      const roles = await cluster.connectorRoles(principal, c.file.name.value);
      if (roles.length === 0)
        out.push(
          finding(
            ONLINE.roleBinding,
            file,
            `${envName}: ${principal} has no role binding covering connector '${c.file.name.value}'.`,
            c.file.name.at,
            `Bind ResourceOwner (deploy) or ConnectManager (operate) on connector=<team prefix>*, e.g. confluent iam rbac role-binding create --principal ${principal} --role ResourceOwner --environment <env> --cloud-cluster <lkc> --resource Connector:<prefix> --prefix.`,
          ),
        );
    }
    if (principal && cluster.aclsFor) {
      const acls = await cluster.aclsFor(principal);
      for (const need of neededAcls(c)) {
        if (!allowed(acls, need)) {
          out.push(
            finding(
              ONLINE.acl,
              file,
              `${envName}: ${principal} lacks ${need.op} on ${need.type.toLowerCase()} '${need.name}'${need.prefixed ? ' (prefix)' : ''}.`,
              c.file.name.at,
              `Grant it, e.g. kafka-acls --add --allow-principal ${principal} --operation ${need.op} --${need.type === 'GROUP' ? 'group' : 'topic'} ${need.name}${need.prefixed ? ' --resource-pattern-type prefixed' : ''}.`,
            ),
          );
        }
      }
    }
  }
  return out;
}

function listOf(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The principal a connector runs as: the first service account of the team whose prefix its name has. */
export function principalOf(c: ConnectorContext, project: Project): string | undefined {
  const name = c.file.name?.value ?? '';
  for (const team of Object.values(project.teams)) {
    if (team.prefixes.some((p) => name.startsWith(p)) && team.serviceAccounts[0]) {
      const sa = team.serviceAccounts[0];
      return sa.includes(':') ? sa : `User:${sa}`;
    }
  }
  return undefined;
}

interface Need {
  type: 'TOPIC' | 'GROUP';
  name: string;
  prefixed: boolean;
  op: string;
}

/** Topics the environment's source connectors will write (names or prefixes), to tell a pending topic from a typo. */
export function producedTopicPatterns(
  connectors: ConnectorContext[],
): { name: string; prefixed: boolean; by: string }[] {
  return connectors
    .filter((c) => c.kind === 'source')
    .flatMap((c) =>
      neededAcls(c)
        .filter((n) => n.type === 'TOPIC' && n.op === 'WRITE')
        .map((n) => ({ name: n.name, prefixed: n.prefixed, by: c.file.name?.value ?? c.file.path })),
    );
}

export function neededAcls(c: ConnectorContext): Need[] {
  const name = c.file.name?.value ?? '';
  if (c.kind === 'sink') {
    const needs: Need[] = listOf(c.value('topics')).map((t) => ({
      type: 'TOPIC',
      name: t,
      prefixed: false,
      op: 'READ',
    }));
    needs.push({ type: 'GROUP', name: `connect-${name}`, prefixed: false, op: 'READ' });
    const dlq = c.value('errors.deadletterqueue.topic.name')?.trim();
    if (dlq) needs.push({ type: 'TOPIC', name: dlq, prefixed: false, op: 'WRITE' });
    return needs;
  }
  if (c.kind === 'source') {
    const prefix = c.value('topic.prefix')?.trim();
    const topic = c.value('topic')?.trim();
    // Debezium names its topics <topic.prefix>.<schema>.<table>, so the prefix that must be covered ends with a dot.
    if (prefix) return ['WRITE', 'CREATE'].map((op) => ({ type: 'TOPIC', name: `${prefix}.`, prefixed: true, op }));
    if (topic) return [{ type: 'TOPIC', name: topic, prefixed: false, op: 'WRITE' }];
  }
  return [];
}

/** Kafka's authorizer, simplified to ALLOW rules: ALL implies everything, READ/WRITE imply DESCRIBE. */
function allowed(acls: DescribedAcl[], need: Need): boolean {
  return acls.some(
    (a) =>
      a.permission === 'ALLOW' &&
      a.resourceType === need.type &&
      (a.operation === need.op || a.operation === 'ALL') &&
      (a.resourceName === '*' ||
        (a.patternType === 'LITERAL' && !need.prefixed && a.resourceName === need.name) ||
        (a.patternType === 'PREFIXED' && need.name.startsWith(a.resourceName))),
  );
}
