import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The workers' own audit (issue #15 §1): the access extension (extensions/connect-access AuditLog) appends one JSON
 * line per mutating or refused request to each worker's `kcops.access.audit.file`, so a change made with curl is
 * recorded too. `kcops history` reads these files beside the repository's log. They are not hash-chained (each worker
 * writes its own); they are evidence of what reached the workers, not a replacement for the chained log.
 */
const lineSchema = z.looseObject({
  time: z.string(),
  worker: z.string().optional(),
  principal: z.string().nullable().optional(),
  keyId: z.string().nullable().optional(),
  method: z.string(),
  path: z.string(),
  endpoint: z.string().nullable().optional(),
  connector: z.string().nullable().optional(),
  status: z.number(),
  result: z.string(),
  internal: z.boolean().optional(),
  forwarded: z.boolean().optional(),
});

export interface ServerAuditRecord {
  time: string;
  worker: string | null;
  principal: string | null;
  keyId: string | null;
  method: string;
  path: string;
  endpoint: string | null;
  connector: string | null;
  status: number;
  result: string;
}

export interface ServerAuditRead {
  records: ServerAuditRecord[];
  /** Files named but absent (a worker that never wrote one yet), and lines that are not records. */
  missing: string[];
  badLines: { file: string; line: number }[];
}

/**
 * The changes the workers recorded, from every file, oldest first. Left out: worker-to-worker requests, the copy a
 * worker records when Connect forwards a request to the leader (the first worker's record stays), reads, and config
 * validations (a PUT that changes nothing).
 */
export function readServerAudit(files: readonly string[]): ServerAuditRead {
  const out: ServerAuditRead = { records: [], missing: [], badLines: [] };
  for (const file of files) {
    if (!existsSync(file)) {
      out.missing.push(file);
      continue;
    }
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (text.trim() === '') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          out.badLines.push({ file, line: i + 1 });
          return;
        }
        const r = lineSchema.safeParse(parsed);
        if (!r.success) return void out.badLines.push({ file, line: i + 1 });
        const x = r.data;
        if (x.internal || x.forwarded || !isChange(x.method, x.endpoint ?? x.path)) return;
        out.records.push({
          time: x.time,
          worker: x.worker ?? null,
          principal: x.principal ?? null,
          keyId: x.keyId ?? null,
          method: x.method,
          path: x.path,
          endpoint: x.endpoint ?? null,
          connector: x.connector ?? null,
          status: x.status,
          result: x.result,
        });
      });
  }
  out.records.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return out;
}

function isChange(method: string, endpoint: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return !/\/config\/validate\/?$/.test(endpoint);
}

/** What a request did, in the words of kcops' own actions (pause, restart, offsets:reset, ...). */
export function serverVerb(r: Pick<ServerAuditRecord, 'method' | 'endpoint' | 'path'>): string {
  const e = r.endpoint ?? r.path;
  const m = r.method;
  if (/\/(pause|resume|stop)$/.test(e) && m === 'PUT') return e.slice(e.lastIndexOf('/') + 1);
  if (/\/restart$/.test(e)) return 'restart';
  if (/\/offsets$/.test(e)) return m === 'DELETE' ? 'offsets:reset' : 'offsets:alter';
  if (/\/config$/.test(e) && m === 'PUT') return 'config';
  if (/^\/connectors\/?$/.test(e) && m === 'POST') return 'create';
  if (/^\/connectors\/\{connector\}\/?$/.test(e) && m === 'DELETE') return 'delete';
  return `${m} ${e}`;
}

/** A kcops record, as far as matching it with the workers' records needs. */
export interface KcopsChange {
  time: string;
  actor: string;
  credentialKeyId: string | null;
  connector: string;
  action: string;
}

/**
 * How long before its own record (written once the change is done and waited for) kcops may have sent the request:
 * apply waits for health up to its wait timeout, pause/resume/stop for the state. Clocks of the workers and of this
 * machine are taken to agree within `SKEW_MS`.
 */
export const MATCH_WINDOW_MS = 15 * 60_000;
const SKEW_MS = 5_000;

/**
 * Whether a worker's record is one of the requests a kcops record stands for: same connector, same key (or the same
 * principal), sent in the window before kcops recorded it, and, for a day-2 command (one request per record), the
 * same verb. A plan's apply or rollback sends several requests per connector (create, config, pause, restart), so
 * any verb matches there. A curl by the same key on the same connector in that window would be taken for kcops' own
 * request: the record would then show as confirmed rather than separately.
 */
export function sameOperation(k: KcopsChange, s: ServerAuditRecord): boolean {
  const sameConnector = k.connector === s.connector || (k.connector === '*' && s.connector !== null);
  if (!sameConnector) return false;
  const sameKey =
    (k.credentialKeyId !== null && k.credentialKeyId === s.keyId) || (s.principal !== null && k.actor === s.principal);
  if (!sameKey) return false;
  const dt = Date.parse(k.time) - Date.parse(s.time);
  if (!(dt >= -SKEW_MS && dt <= MATCH_WINDOW_MS)) return false;
  const [kind, ...rest] = k.action.split(':');
  if (kind !== 'ops') return true;
  const verb = rest.join(':');
  const sv = serverVerb(s);
  return verb === sv || (verb === 'restart-all-failed' && sv === 'restart');
}

/** A day-2 command sends one request per record; apply, rollback and restart --all-failed send several. */
function singleRequest(k: KcopsChange): boolean {
  return k.action.startsWith('ops:') && k.action !== 'ops:restart-all-failed';
}

/**
 * Splits the workers' records into those kcops' own records already stand for (index of the kcops record) and the
 * others (made around kcops: curl, scripts, another tool). A day-2 record claims one request: the nearest one sent
 * before it was written (else one within the clock skew after), so a curl right after a kcops command stays apart.
 * An apply's record claims every matching request left.
 */
export function matchServerRecords(
  kcops: readonly KcopsChange[],
  server: readonly ServerAuditRecord[],
): { confirmed: Map<number, ServerAuditRecord[]>; outside: ServerAuditRecord[] } {
  const confirmed = new Map<number, ServerAuditRecord[]>();
  const claimed = new Set<number>();
  const claim = (i: number, j: number) => {
    claimed.add(j);
    confirmed.set(i, [...(confirmed.get(i) ?? []), server[j]!]);
  };
  kcops.forEach((k, i) => {
    if (!singleRequest(k)) return;
    let best = -1;
    let bestScore = Infinity;
    server.forEach((s, j) => {
      if (claimed.has(j) || !sameOperation(k, s)) return;
      const dt = Date.parse(k.time) - Date.parse(s.time);
      // Sent before the record: the nearer the better; after it (clock skew only): always worse than any before.
      const score = dt >= 0 ? dt : MATCH_WINDOW_MS - dt;
      if (score < bestScore) {
        best = j;
        bestScore = score;
      }
    });
    if (best >= 0) claim(i, best);
  });
  server.forEach((s, j) => {
    if (claimed.has(j)) return;
    let best = -1;
    let bestDt = Infinity;
    kcops.forEach((k, i) => {
      if (singleRequest(k) || !sameOperation(k, s)) return;
      const dt = Math.abs(Date.parse(k.time) - Date.parse(s.time));
      if (dt < bestDt) {
        best = i;
        bestDt = dt;
      }
    });
    if (best >= 0) claim(best, j);
  });
  return { confirmed, outside: server.filter((_s, j) => !claimed.has(j)) };
}
