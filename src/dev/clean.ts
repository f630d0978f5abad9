import { Admin } from '@platformatic/kafka';
import { UserError, describeCause } from '../errors.js';
import type { ConnectCluster } from '../connect/cluster.js';
import type { Reporter } from '../core/reporter.js';
import { quoteIdent } from './datagen/schemas.js';
import { DEV_DATABASE, DEV_SINK_DATABASE, pgQuery } from './postgres.js';
import { DevS3 } from './s3.js';
import type { StackAccess } from './stack.js';

/**
 * `dev clean <prefix>`: test resources are named after the test (`payments-e2e-`), but each system spells names its
 * own way: topics take dots (`payments.e2e.orders`), PostgreSQL identifiers underscores (`payments_e2e_orders`),
 * object keys slashes. One prefix matches all its spellings.
 */
export function prefixSpellings(prefix: string): string[] {
  return [
    ...new Set([prefix, prefix.replace(/[-_]/g, '.'), prefix.replace(/[-.]/g, '_'), prefix.replace(/[-._]/g, '/')]),
  ];
}

export interface CleanFound {
  connectors: string[];
  topics: string[];
  consumerGroups: string[];
  tables: string[];
  replicationSlots: string[];
  publications: string[];
  objects: string[];
}

export interface CleanResult {
  prefix: string;
  matched: string[];
  applied: boolean;
  found: CleanFound;
  /** What could not be deleted, and why (a slot still active after its connector was deleted...). */
  failures: { resource: string; reason: string }[];
}

function matches(name: string, spellings: string[]): boolean {
  return spellings.some((p) => name.startsWith(p));
}

function kafkaAdmin(s: StackAccess): Admin {
  const k = s.kafkaAdmin;
  return new Admin({
    clientId: 'kcops-clean',
    bootstrapBrokers: [k.bootstrap],
    sasl: { mechanism: k.mechanism, username: k.username, password: k.password },
    retries: 0,
    connectTimeout: 5000,
    timeout: 15_000,
  });
}

const DATABASES = [DEV_DATABASE, DEV_SINK_DATABASE];

async function find(prefix: string, cluster: ConnectCluster, s: StackAccess): Promise<CleanFound> {
  const sp = prefixSpellings(prefix);
  const connectors = (await cluster.collect()).connectors.map((c) => c.name).filter((n) => matches(n, sp));
  const admin = kafkaAdmin(s);
  let topics: string[];
  let consumerGroups: string[];
  try {
    topics = (await admin.listTopics()).filter((t) => matches(t, sp)).sort();
    // Sink connectors' groups are connect-<connector name>.
    const groupSpellings = [...sp, ...sp.map((p) => `connect-${p}`)];
    consumerGroups = [...(await admin.listGroups()).keys()].filter((g) => matches(g, groupSpellings)).sort();
  } finally {
    await admin.close().catch(() => undefined);
  }
  const tables: string[] = [];
  const slots = new Set<string>();
  const publications: string[] = [];
  for (const db of DATABASES) {
    const url = s.pgUrl(db);
    for (const r of await pgQuery<{ t: string; name: string }>(
      url,
      `SELECT schemaname || '.' || tablename AS t, tablename AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    ))
      if (matches(r.name, sp)) tables.push(`${db}:${r.t}`);
    for (const r of await pgQuery<{ slot_name: string }>(url, 'SELECT slot_name FROM pg_replication_slots'))
      if (matches(r.slot_name, sp)) slots.add(r.slot_name);
    for (const r of await pgQuery<{ pubname: string }>(url, 'SELECT pubname FROM pg_publication'))
      if (matches(r.pubname, sp)) publications.push(`${db}:${r.pubname}`);
  }
  const bucket = new DevS3(s.s3.endpoint, s.s3.bucket);
  const objects: string[] = [];
  for (const p of sp) for (const o of await bucket.list(p)) objects.push(o.key);
  return {
    connectors: connectors.sort(),
    topics,
    consumerGroups,
    tables: tables.sort(),
    replicationSlots: [...slots].sort(),
    publications: publications.sort(),
    objects: [...new Set(objects)].sort(),
  };
}

/** Finds what the prefix names; deletes it only with `apply` (dry run by default: a prefix is easy to get wrong). */
export async function devClean(o: {
  prefix: string;
  apply: boolean;
  cluster: ConnectCluster;
  stack: StackAccess;
  reporter: Reporter;
}): Promise<CleanResult> {
  if (o.prefix.length < 3 || /^(_|kcops|connect-?$|__)/.test(o.prefix)) {
    throw new UserError(
      'USAGE',
      `The prefix '${o.prefix}' is too broad: it could match the stack's own topics and groups.`,
      {
        hint: 'Use the prefix your test resources share, at least 3 characters, e.g. payments-e2e-.',
        exitCode: 2,
      },
    );
  }
  const step = o.reporter.step(`Looking for resources named ${o.prefix}*`);
  const found = await find(o.prefix, o.cluster, o.stack);
  step.done();
  const result: CleanResult = {
    prefix: o.prefix,
    matched: prefixSpellings(o.prefix),
    applied: o.apply,
    found,
    failures: [],
  };
  if (!o.apply) return result;
  const fail = (resource: string, e: unknown) => result.failures.push({ resource, reason: describeCause(e) });
  const del = o.reporter.step('Deleting');
  // Connectors first: their tasks hold the replication slots and the consumer groups. Their offsets go too
  // (stop, reset, delete; KIP-875): a test connector recreated under the same name must start from scratch, not
  // from a replication-slot position that was just dropped.
  for (const c of found.connectors) {
    try {
      await stopAndResetOffsets(o.cluster, c);
    } catch (e) {
      fail(`offsets of connector ${c}`, e);
    }
    await o.cluster.delete(c).catch((e: unknown) => fail(`connector ${c}`, e));
  }
  const admin = kafkaAdmin(o.stack);
  try {
    if (found.topics.length)
      await admin
        .deleteTopics({ topics: found.topics })
        .catch((e: unknown) => fail(`topics ${found.topics.join(',')}`, e));
    for (const g of found.consumerGroups) {
      // A sink's group stays non-empty for a moment after its connector is deleted.
      await retry(async () => {
        try {
          await admin.deleteGroups({ groups: [g] });
        } catch (e) {
          // Resetting a sink's offsets (above) already deleted its group: gone is what was wanted.
          if (!groupAlreadyGone(e)) throw e;
        }
      }, 15_000).catch((e: unknown) => fail(`consumer group ${g}`, e));
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
  for (const slot of found.replicationSlots) {
    await retry(async () => {
      const rows = await pgQuery<{ active: boolean }>(
        o.stack.pgUrl(DEV_DATABASE),
        'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
        [slot],
      );
      if (rows[0]?.active) throw new Error('still active (its connector task has not stopped yet)');
      if (rows.length) await pgQuery(o.stack.pgUrl(DEV_DATABASE), 'SELECT pg_drop_replication_slot($1)', [slot]);
    }, 30_000).catch((e: unknown) => fail(`replication slot ${slot}`, e));
  }
  for (const p of found.publications) {
    const [db, name] = p.split(':') as [string, string];
    await pgQuery(o.stack.pgUrl(db), `DROP PUBLICATION IF EXISTS ${quoteIdent(name)}`).catch((e: unknown) =>
      fail(`publication ${p}`, e),
    );
  }
  for (const t of found.tables) {
    const [db, qualified] = t.split(':') as [string, string];
    const [schema, table] = qualified.split('.') as [string, string];
    await pgQuery(o.stack.pgUrl(db), `DROP TABLE IF EXISTS ${quoteIdent(schema)}.${quoteIdent(table)}`).catch(
      (e: unknown) => fail(`table ${t}`, e),
    );
  }
  const bucket = new DevS3(o.stack.s3.endpoint, o.stack.s3.bucket);
  // One request per object (a sink may have written thousands): 16 at a time.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(16, found.objects.length) }, async () => {
      while (next < found.objects.length) {
        const k = found.objects[next++]!;
        await bucket.delete(k).catch((e: unknown) => fail(`object ${k}`, e));
      }
    }),
  );
  if (result.failures.length) del.fail(`${result.failures.length} could not be deleted`);
  else del.done();
  return result;
}

async function retry<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function stopAndResetOffsets(cluster: ConnectCluster, name: string): Promise<void> {
  await cluster.stop(name);
  await retry(async () => {
    const st = await cluster.status(name);
    if (st && st.state !== 'STOPPED') throw new Error(`still ${st.state} after the stop request`);
  }, 30_000);
  await retry(() => cluster.resetOffsets(name), 15_000);
}

/** DeleteGroups answered GROUP_ID_NOT_FOUND (error code 69), somewhere in the library's nested errors. */
export function groupAlreadyGone(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 6) return false;
  const x = e as { response?: { results?: { errorCode?: number }[] }; errors?: unknown[]; cause?: unknown };
  if (x.response?.results?.length && x.response.results.every((r) => r.errorCode === 69)) return true;
  return [...(Array.isArray(x.errors) ? x.errors : []), x.cause].some((inner) => groupAlreadyGone(inner, depth + 1));
}
