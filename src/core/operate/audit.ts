/**
 * What a day-2 mutation records. The CLI hands in a sink that writes through the append-only, hash-chained audit log
 * (src/core/audit); the core only describes what happened.
 */
export interface OpsAuditRecord {
  /** e.g. ops:pause, ops:restart, ops:offsets:alter (apply uses apply:*) */
  action: string;
  connector: string;
  env: string;
  /** Cluster id (URL or lkc id), never credentials. */
  cluster: string;
  /** The credential id used (basic-auth user or API key id). */
  credentialKeyId: string | undefined;
  outcome: 'succeeded' | 'failed';
  details?: Record<string, unknown>;
  error?: string;
}

export interface AuditSink {
  append(r: OpsAuditRecord): Promise<void>;
}

/** Runs a mutation and records it whether it succeeded or failed; a failure to audit fails the command. */
export async function audited<T>(
  sink: AuditSink,
  base: Omit<OpsAuditRecord, 'outcome' | 'error'>,
  run: () => Promise<T>,
  details?: (r: T) => Record<string, unknown>,
): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (e) {
    await sink.append({ ...base, outcome: 'failed', error: e instanceof Error ? e.message : String(e) });
    throw e;
  }
  const extra = details?.(result);
  await sink.append({
    ...base,
    outcome: 'succeeded',
    ...(extra || base.details ? { details: { ...base.details, ...extra } } : {}),
  });
  return result;
}
