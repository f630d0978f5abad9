import { isUserError, UserError } from '../../errors.js';
import type { Environment, Project } from '../project/schema.js';
import type { DesiredConnector, Plan } from '../plan/types.js';
import { findSecretRefs, type SecretRef } from './reference.js';
import { whereResolved } from './where.js';

/** One reference an apply could not have resolved: where it is, who should resolve it, why not. Never a value. */
export interface UnreadableReference {
  connector: string;
  key: string;
  reference: string;
  provider: string;
  path: string | undefined;
  /** The error code of the failed read (SECRET_ACCESS_DENIED, …), or `SECRET_PROVIDER_UNAVAILABLE` for nobody. */
  code: string;
  reason: string;
  hint: string | undefined;
}

export interface PreflightInput {
  plan: Plan;
  desired: readonly DesiredConnector[];
  project: Pick<Project, 'secretProviders'>;
  env: Environment;
  /** Reads a reference kcops resolves itself (the run's resolver: its cache serves the apply's own reads after). */
  resolve: (ref: string) => string | Promise<string>;
}

/**
 * Every secret reference in the configs an apply (or rollback) is about to send, checked before the first change to
 * the cluster (issue 14): references kcops resolves are read now (Vault, AWS Secrets Manager, env, file, dir), through
 * the run's one resolver, so a secret that cannot be read stops the run with nothing changed instead of half-way
 * through, followed by a rollback. A reference the target cannot resolve at all (a worker-side provider the workers
 * do not have, a kcops provider on self-managed Connect) is reported the same way. References left to the workers
 * or to Confluent Cloud's secret manager cannot be read from here and are not.
 */
export async function findUnreadableReferences(i: PreflightInput): Promise<UnreadableReference[]> {
  const sent = new Set(
    i.plan.changes.filter((c) => c.action === 'create' || c.action === 'update').map((c) => c.connector),
  );
  const uses: { connector: string; key: string; ref: SecretRef }[] = [];
  for (const d of i.desired) {
    if (!sent.has(d.name)) continue;
    for (const [key, value] of Object.entries(d.config))
      for (const ref of findSecretRefs(value)) uses.push({ connector: d.name, key, ref });
  }
  // One read per distinct reference, all at once: the resolver shares requests for the same secret.
  const outcome = new Map<string, Promise<{ code: string; reason: string; hint: string | undefined } | undefined>>();
  const out: UnreadableReference[] = [];
  for (const u of uses) {
    let pending = outcome.get(u.ref.text);
    if (!pending) {
      pending = check(u.ref, i);
      outcome.set(u.ref.text, pending);
    }
    const failed = await pending;
    if (failed)
      out.push({
        connector: u.connector,
        key: u.key,
        reference: u.ref.text,
        provider: u.ref.provider,
        path: u.ref.path,
        ...failed,
      });
  }
  return out;
}

async function check(
  ref: SecretRef,
  i: PreflightInput,
): Promise<{ code: string; reason: string; hint: string | undefined } | undefined> {
  // The environment's name is only used in hints; the plan says which environment this is.
  const where = whereResolved(ref, i.project, '<env>', i.env);
  if (where?.by === 'nobody') return { code: 'SECRET_PROVIDER_UNAVAILABLE', reason: where.why, hint: where.hint };
  // Undeclared providers on Cloud are read by kcops as loose env/file references; on self-managed they go to the
  // workers as written (validate's secret/unknown-provider finding covers them).
  const kcopsReads = where?.by === 'kcops' || (where === undefined && i.env.cluster.type === 'confluent-cloud');
  if (!kcopsReads) return undefined;
  try {
    await i.resolve(ref.text);
    return undefined;
  } catch (e) {
    if (!isUserError(e)) throw e;
    return { code: e.code, reason: e.message, hint: e.hint };
  }
}

/** The error an apply stops with: every unreadable reference listed (provider, path, connector, key), no value. */
export function unreadableError(list: readonly UnreadableReference[], envName: string, cluster: string): UserError {
  const refs = new Set(list.map((u) => u.reference));
  const hints = [...new Set(list.map((u) => u.hint).filter((h): h is string => !!h))];
  return new UserError(
    'SECRETS_UNREADABLE',
    `${refs.size} secret reference(s) in the connectors to deploy to ${envName} cannot be read; nothing was changed on ${cluster}.`,
    {
      details: list.map(
        (u) =>
          `${u.connector} ${u.key}: ${u.reference} (provider '${u.provider}'${u.path ? `, path '${u.path}'` : ''}) — ${u.code}: ${u.reason.replace(/\s+/g, ' ')}`,
      ),
      hint: [
        ...hints,
        'Fix the references or the secret stores, then apply again; `kcops validate` checks which providers each environment can resolve.',
      ]
        .join(' ')
        .slice(0, 2000),
    },
  );
}
