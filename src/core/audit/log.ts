import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactDeep } from '../secrets/sensitive.js';
import { GENESIS, recordHash, type AuditEntry, type AuditRecord } from './record.js';

/**
 * The append-only JSONL audit log with a hash chain. Each line commits to the one before it; a side file
 * (`<log>.head`) holds the last sequence number and hash, so cutting records off the end is detected too.
 * Records are only ever appended (O_APPEND), never rewritten.
 */
export function readAudit(file: string): { records: AuditRecord[]; badLines: number[] } {
  if (!existsSync(file)) return { records: [], badLines: [] };
  const records: AuditRecord[] = [];
  const badLines: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        records.push(JSON.parse(line) as AuditRecord);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { records, badLines };
}

export function appendAudit(file: string, entries: readonly AuditEntry[]): AuditRecord[] {
  if (entries.length === 0) return [];
  mkdirSync(dirname(file), { recursive: true });
  const { records } = readAudit(file);
  const last = records.at(-1);
  let prevHash = last?.hash ?? GENESIS;
  let seq = last?.seq ?? 0;
  const out: AuditRecord[] = [];
  for (const e of entries) {
    // A credential never reaches the log, whatever a caller put in a field (a URL with user:pass@, a server message).
    const body = { ...redactDeep(e), seq: ++seq, prevHash };
    const rec: AuditRecord = { ...body, hash: recordHash(body) };
    out.push(rec);
    prevHash = rec.hash;
  }
  appendFileSync(file, out.map(auditLine).join('\n') + '\n', { mode: 0o640 });
  writeFileSync(headFile(file), JSON.stringify({ seq, hash: prevHash }) + '\n');
  return out;
}

/** A record as one line of the log; the audit topic carries the same text (src/core/audit/mirror.ts). */
export function auditLine(r: AuditRecord): string {
  return JSON.stringify(r);
}

export interface AuditProblem {
  seq: number | null;
  line?: number;
  problem: 'unparsable' | 'altered' | 'removed-or-reordered' | 'truncated';
  detail: string;
}

export interface AuditVerification {
  file: string;
  records: number;
  ok: boolean;
  problems: AuditProblem[];
}

export function verifyAudit(file: string): AuditVerification {
  const { records, badLines } = readAudit(file);
  const problems: AuditProblem[] = badLines.map((line) => ({
    seq: null,
    line,
    problem: 'unparsable',
    detail: 'line is not JSON',
  }));
  let prevHash = GENESIS;
  let prevSeq = 0;
  for (const r of records) {
    const { hash, ...body } = r;
    if (r.seq !== prevSeq + 1 || r.prevHash !== prevHash) {
      problems.push({
        seq: r.seq,
        problem: 'removed-or-reordered',
        detail: `expected record ${prevSeq + 1} chained to ${prevHash.slice(0, 12)}…, found ${r.seq} chained to ${String(r.prevHash).slice(0, 12)}…`,
      });
    }
    if (recordHash(body) !== hash)
      problems.push({ seq: r.seq, problem: 'altered', detail: 'content does not match its hash' });
    prevHash = hash;
    prevSeq = r.seq;
  }
  if (existsSync(headFile(file))) {
    const head = JSON.parse(readFileSync(headFile(file), 'utf8')) as { seq: number; hash: string };
    if (head.seq !== prevSeq || head.hash !== prevHash) {
      problems.push({
        seq: head.seq,
        problem: 'truncated',
        detail: `the log ends at record ${prevSeq} but the last one written was ${head.seq}`,
      });
    }
  }
  return { file, records: records.length, ok: problems.length === 0, problems };
}

function headFile(file: string): string {
  return file + '.head';
}
