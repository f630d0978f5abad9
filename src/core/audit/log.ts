import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactDeep } from '../secrets/sensitive.js';
import { UserError } from '../../errors.js';
import { appendInside, boundaryOf, mkdirInside, resolveInside, writeInside, type Boundary } from '../fs/boundary.js';
import { acquireLockSync } from '../fs/lock.js';
import { headMac, recordMac, sameMac, type AuditKey } from './hmac.js';
import { GENESIS, recordHash, type AuditEntry, type AuditRecord } from './record.js';
import type { CommittedHead } from './git-anchor.js';

/**
 * The append-only JSONL audit log with a hash chain. Each line commits to the one before it; a side file
 * (`<log>.head`) holds the last sequence number and hash, so cutting records off the end is detected too. With a key
 * (kcops.yaml `audit.hmacKey`) every record and the head also carry an HMAC, so someone without the key can neither
 * rewrite records and re-chain them nor cut the tail and rewrite the head (docs/reference/audit.md says what it does
 * not protect against). Records are only ever appended (O_APPEND), under a lock file, never rewritten; nothing is
 * written through a link that leaves the repository.
 */
export interface AuditLogOptions {
  /** The repository the log lives in; defaults to the log's directory. */
  boundary?: Boundary;
  key?: AuditKey;
  /** How long an append waits for another kcops process appending to the same log. */
  lockTimeoutMs?: number;
}

export interface AuditRead {
  records: AuditRecord[];
  /** Lines that are not an audit record (not JSON, or JSON of another shape), 1-based. */
  badLines: { line: number; detail: string }[];
  /** The last line has no newline: a write that was cut off (crash, full disk). Its 1-based number. */
  tornLine: number | undefined;
}

const LOCK_TIMEOUT_MS = 10_000;

/** Reads the log; a missing file is an empty log (nothing recorded yet), a directory or unreadable file an error. */
export function readAudit(file: string, boundary: Boundary = boundaryOf(dirname(file))): AuditRead {
  const text = readLogText(file, boundary);
  if (text === undefined) return { records: [], badLines: [], tornLine: undefined };
  const records: AuditRecord[] = [];
  const badLines: AuditRead['badLines'] = [];
  const lines = text.split('\n');
  const torn = text.length > 0 && !text.endsWith('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (torn && i === lines.length - 1) return; // reported as torn, never read as a record
    const problem = recordProblem(line);
    if (typeof problem === 'string') badLines.push({ line: i + 1, detail: problem });
    else records.push(problem);
  });
  return { records, badLines, tornLine: torn ? lines.length : undefined };
}

/**
 * Before a command changes anything: the log can take its records (not torn, head consistent). Checked again under
 * the lock when appending, but then the change is already made.
 */
export function assertAuditAppendable(file: string, opts: AuditLogOptions = {}): void {
  const boundary = opts.boundary ?? boundaryOf(dirname(file));
  resolveInside(boundary, file);
  resolveInside(boundary, headFile(file));
  checkTail(file, readAudit(file, boundary), readHead(file, boundary), undefined);
}

export function appendAudit(file: string, entries: readonly AuditEntry[], opts: AuditLogOptions = {}): AuditRecord[] {
  if (entries.length === 0) return [];
  const boundary = opts.boundary ?? boundaryOf(dirname(file));
  mkdirInside(boundary, dirname(file));
  const lock = acquireLockSync({
    boundary,
    file: file + '.lock',
    purpose: 'appending to the audit log',
    timeoutMs: opts.lockTimeoutMs ?? LOCK_TIMEOUT_MS,
    code: 'AUDIT_LOCKED',
    what: `The audit log ${file}`,
    waitHint: 'the next attempt',
  });
  try {
    const read = readAudit(file, boundary);
    checkTail(file, read, readHead(file, boundary), entries);
    const last = read.records.at(-1);
    let prevHash = last?.hash ?? GENESIS;
    let seq = last?.seq ?? 0;
    const out: AuditRecord[] = [];
    for (const e of entries) {
      // A credential never reaches the log, whatever a caller put in a field (a URL with user:pass@, a server message).
      const body = { ...redactDeep(e), seq: ++seq, prevHash };
      const hash = recordHash(body);
      const rec: AuditRecord = { ...body, hash, ...(opts.key ? { mac: recordMac(opts.key, hash) } : {}) };
      out.push(rec);
      prevHash = rec.hash;
    }
    appendInside(boundary, file, out.map(auditLine).join('\n') + '\n', 0o640);
    const head: AuditHead = { seq, hash: prevHash, ...(opts.key ? { mac: headMac(opts.key, seq, prevHash) } : {}) };
    writeInside(boundary, headFile(file), JSON.stringify(head) + '\n');
    return out;
  } finally {
    lock.release();
  }
}

/** A record as one line of the log; the audit topic carries the same text (src/core/audit/mirror.ts). */
export function auditLine(r: AuditRecord): string {
  return JSON.stringify(r);
}

export interface AuditProblem {
  seq: number | null;
  line?: number;
  problem:
    | 'unparsable'
    | 'torn'
    | 'altered'
    | 'removed-or-reordered'
    | 'truncated'
    | 'head-invalid'
    | 'hmac-invalid'
    | 'unsigned'
    | 'rolled-back';
  detail: string;
}

export interface AuditVerification {
  file: string;
  records: number;
  ok: boolean;
  problems: AuditProblem[];
  /** verified: every record from the first signed one and the head carry a valid HMAC. */
  hmac: 'verified' | 'none' | 'not-checked';
  /** Things to know that are not tampering (records from before the key, no key here). */
  notices: string[];
}

export interface VerifyOptions {
  boundary?: Boundary;
  key?: AuditKey;
  /** Why there is no key, for the notice (e.g. the reference could not be resolved). */
  keyUnavailable?: string;
  /** Fail unless the head is signed with the key: a log stripped of every HMAC then fails too. */
  requireHmac?: boolean;
  /** The head as committed at a revision the log's writer cannot rewrite (git-anchor.ts): the log must extend it. */
  since?: CommittedHead;
}

export function verifyAudit(file: string, opts: VerifyOptions = {}): AuditVerification {
  const boundary = opts.boundary ?? boundaryOf(dirname(file));
  const read = readAudit(file, boundary);
  if (!existsAsFile(file)) {
    throw new UserError('AUDIT_NOT_FOUND', `There is no audit log at ${file}.`, {
      hint: 'Check the path (or KCOPS_AUDIT_FILE). A repository gets its log with the first apply, rollback or day-2 change.',
    });
  }
  const { records, badLines, tornLine } = read;
  const problems: AuditProblem[] = badLines.map(({ line, detail }) => ({
    seq: null,
    line,
    problem: 'unparsable',
    detail,
  }));
  if (tornLine !== undefined)
    problems.push({
      seq: null,
      line: tornLine,
      problem: 'torn',
      detail: 'the last line has no end: a write was cut off (a crash or a full disk), or the file was cut',
    });
  const notices: string[] = [];
  let prevHash = GENESIS;
  let prevSeq = 0;
  let firstSigned: number | undefined;
  const unsigned: number[] = [];
  for (const r of records) {
    const { hash, mac, ...body } = r;
    if (r.seq !== prevSeq + 1 || r.prevHash !== prevHash) {
      problems.push({
        seq: r.seq,
        problem: 'removed-or-reordered',
        detail: `expected record ${prevSeq + 1} chained to ${prevHash.slice(0, 12)}…, found ${r.seq} chained to ${String(r.prevHash).slice(0, 12)}…`,
      });
    }
    if (recordHash(body) !== hash)
      problems.push({ seq: r.seq, problem: 'altered', detail: 'content does not match its hash' });
    if (mac !== undefined) {
      firstSigned ??= r.seq;
      if (opts.key && !sameMac(recordMac(opts.key, hash), mac))
        problems.push({
          seq: r.seq,
          problem: 'hmac-invalid',
          detail: 'its HMAC does not match (written or changed without the key)',
        });
    } else if (firstSigned !== undefined) {
      problems.push({
        seq: r.seq,
        problem: 'unsigned',
        detail: `no HMAC, but record ${firstSigned} before it has one: records are signed from the first one written with the key`,
      });
    } else unsigned.push(r.seq);
    prevHash = hash;
    prevSeq = r.seq;
  }
  const head = readHead(file, boundary);
  if (head === undefined) {
    if (records.length > 0)
      problems.push({
        seq: null,
        problem: 'truncated',
        detail: `${headFile(file)} is missing: every append writes it, so the end of the log cannot be checked`,
      });
  } else if ('invalid' in head) {
    problems.push({ seq: null, line: 1, problem: 'head-invalid', detail: `${headFile(file)}: ${head.invalid}` });
  } else {
    if (head.seq > prevSeq || (head.seq === prevSeq && head.hash !== prevHash)) {
      problems.push({
        seq: head.seq,
        problem: 'truncated',
        detail: `the log ends at record ${prevSeq} but the last one written was ${head.seq}`,
      });
    } else if (head.seq < prevSeq) {
      const at = records.find((r) => r.seq === head.seq);
      if (head.seq !== 0 && at?.hash !== head.hash)
        problems.push({
          seq: head.seq,
          problem: 'truncated',
          detail: `the head names record ${head.seq} with another hash`,
        });
      else
        notices.push(
          `Records ${head.seq + 1}–${prevSeq} were appended after the head was last written (a run stopped between the two writes); the next append updates it.`,
        );
    }
    if (opts.key && head.mac !== undefined && !sameMac(headMac(opts.key, head.seq, head.hash), head.mac))
      problems.push({ seq: head.seq, problem: 'hmac-invalid', detail: `${headFile(file)}: its HMAC does not match` });
    if (opts.key && head.mac === undefined && firstSigned !== undefined)
      problems.push({
        seq: head.seq,
        problem: 'unsigned',
        detail: `${headFile(file)} has no HMAC but the records have`,
      });
  }
  if (opts.since) sinceProblems(opts.since, records, prevSeq, opts.key, problems, notices);
  const headSigned = head !== undefined && !('invalid' in head) && head.mac !== undefined;
  const hmac: AuditVerification['hmac'] = !opts.key
    ? firstSigned !== undefined
      ? 'not-checked'
      : 'none'
    : firstSigned !== undefined || headSigned
      ? 'verified'
      : 'none';
  if (!opts.key && firstSigned !== undefined)
    notices.push(
      `The records carry HMACs but no key is available here${opts.keyUnavailable ? ` (${opts.keyUnavailable})` : ''}: only the hash chain was checked, which anyone who can write the file can recompute.`,
    );
  if (unsigned.length > 0 && (opts.key || firstSigned !== undefined))
    notices.push(
      `Records ${unsigned[0]}–${unsigned.at(-1)} carry no HMAC (written before audit.hmacKey was set): their chain is checked, not who wrote them.`,
    );
  else if (unsigned.length > 0)
    notices.push(
      'This log carries no HMAC: the hash chain shows accidental damage, but anyone who can write the file can rewrite records and recompute it. Set audit.hmacKey in kcops.yaml (docs/reference/audit.md).',
    );
  if (opts.requireHmac && !(opts.key && headSigned))
    problems.push({
      seq: null,
      problem: 'unsigned',
      detail: opts.key
        ? `${headFile(file)} is not signed with the key (--require-hmac): the HMACs may have been stripped`
        : '--require-hmac needs the key (audit.hmacKey in kcops.yaml, resolvable here)',
    });
  return { file, records: records.length, ok: problems.length === 0, problems, hmac, notices };
}

/**
 * The log must still hold the record the committed head names, with the same hash: the chain check above then vouches
 * for every record before it. A log cut back past it (an older head put back) fails, even with valid HMACs.
 */
function sinceProblems(
  since: CommittedHead,
  records: readonly AuditRecord[],
  lastSeq: number,
  key: AuditKey | undefined,
  problems: AuditProblem[],
  notices: string[],
): void {
  const at = `${since.ref} (${since.commit.slice(0, 12)})`;
  const base = since.head;
  if (base === undefined) {
    notices.push(`${at} holds no audit head: there is nothing committed to compare the log with.`);
    return;
  }
  if ('invalid' in base) {
    problems.push({ seq: null, problem: 'head-invalid', detail: `the head committed at ${at}: ${base.invalid}` });
    return;
  }
  if (key && base.mac !== undefined && !sameMac(headMac(key, base.seq, base.hash), base.mac))
    problems.push({
      seq: base.seq,
      problem: 'hmac-invalid',
      detail: `the head committed at ${at}: its HMAC does not match`,
    });
  if (base.seq === 0) return;
  const rec = records.find((r) => r.seq === base.seq);
  if (base.seq > lastSeq)
    problems.push({
      seq: base.seq,
      problem: 'rolled-back',
      detail: `${at} had committed records up to ${base.seq}, but this log ends at record ${lastSeq}: records were cut off and the head put back`,
    });
  else if (rec?.hash !== base.hash)
    problems.push({
      seq: base.seq,
      problem: 'rolled-back',
      detail: `record ${base.seq} is not the one committed at ${at}: the log was rewritten from there`,
    });
  else notices.push(`The log extends the one committed at ${at} (record ${base.seq}).`);
}

interface AuditHead {
  seq: number;
  hash: string;
  mac?: string;
}

function readHead(file: string, boundary: Boundary): AuditHead | { invalid: string } | undefined {
  const text = readLogText(headFile(file), boundary);
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { invalid: 'not JSON' };
  }
  if (
    typeof v !== 'object' ||
    v === null ||
    !Number.isSafeInteger((v as AuditHead).seq) ||
    typeof (v as AuditHead).hash !== 'string' ||
    ((v as AuditHead).mac !== undefined && typeof (v as AuditHead).mac !== 'string')
  )
    return { invalid: 'not {"seq": <number>, "hash": "<hex>"}' };
  return v as AuditHead;
}

/**
 * What appending now would do to the evidence: glue a record onto a torn line (losing both) or extend a log whose
 * tail was cut (the new head would hide it). Refused; the records not written are named.
 */
function checkTail(
  file: string,
  read: AuditRead,
  head: ReturnType<typeof readHead>,
  entries: readonly AuditEntry[] | undefined,
): void {
  const lost = entries
    ? ` The ${entries.length} record(s) of this run were NOT written: ${entries.map((e) => `${e.action} ${e.connector} ${e.result}`).join(', ')}.`
    : ' Nothing was changed.';
  if (read.tornLine !== undefined)
    throw new UserError(
      'AUDIT_TORN',
      `${file}:${read.tornLine}: the last line of the audit log is cut off (a write was interrupted), so a new record would be glued onto it.${lost}`,
      {
        hint: `Look at line ${read.tornLine} (\`tail -c 300 ${file}\`); if it is the remains of an interrupted write, remove it (\`sed -i '$d' ${file}\`) and run \`kcops audit verify\`.`,
      },
    );
  if (head && 'invalid' in head)
    throw new UserError('AUDIT_HEAD_INVALID', `${headFile(file)}:1: the audit head is ${head.invalid}.${lost}`, {
      hint: `Run \`kcops audit verify\`; restore ${headFile(file)} from a trusted copy (it holds the last seq and hash).`,
    });
  const last = read.records.at(-1);
  if (head && (head.seq > (last?.seq ?? 0) || (head.seq === (last?.seq ?? 0) && head.hash !== (last?.hash ?? GENESIS))))
    throw new UserError(
      'AUDIT_TAMPERED',
      `${file} ends at record ${last?.seq ?? 0} but its head says ${head.seq} were written: the tail is missing, and appending would hide it.${lost}`,
      { hint: 'Run `kcops audit verify` and restore the log from a trusted copy (or the audit topic).' },
    );
}

function recordProblem(line: string): AuditRecord | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'line is not JSON';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return `line is JSON ${v === null ? 'null' : typeof v}, not an audit record`;
  const r = v as Partial<AuditRecord>;
  if (!Number.isSafeInteger(r.seq) || typeof r.hash !== 'string' || typeof r.prevHash !== 'string')
    return 'line is not an audit record (no seq, hash and prevHash)';
  return v as AuditRecord;
}

function readLogText(file: string, boundary: Boundary): string | undefined {
  const real = resolveInside(boundary, file);
  try {
    return readFileSync(real, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR')
      throw new UserError('AUDIT_NOT_A_FILE', `${file} is a directory, not an audit log.`, {
        hint: 'Point KCOPS_AUDIT_FILE (or the path given) at the log file, e.g. .kcops/audit/audit.jsonl.',
      });
    throw new UserError('AUDIT_UNREADABLE', `Cannot read ${file} (${code ?? 'error'}).`, {
      hint: 'Check its permissions.',
      cause: e,
    });
  }
}

function existsAsFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function headFile(file: string): string {
  return file + '.head';
}
