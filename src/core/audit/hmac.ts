import { createHmac, timingSafeEqual } from 'node:crypto';
import { UserError } from '../../errors.js';
import type { Project } from '../project/schema.js';
import { resolveLocally } from '../secrets/resolve.js';

/**
 * The audit key (kcops.yaml `audit.hmacKey`, a secret reference): with it every record's hash and the head are
 * signed (HMAC-SHA256), so rewriting a record and recomputing the SHA-256 chain, or cutting the tail and rewriting
 * the head, needs the key and not only write access to the file. A value type that never prints its bytes.
 */
export class AuditKey {
  readonly #bytes: Buffer;
  constructor(value: string) {
    this.#bytes = Buffer.from(value, 'utf8');
  }
  mac(text: string): string {
    return createHmac('sha256', this.#bytes).update(text).digest('hex');
  }
  toString(): string {
    return '(audit key)';
  }
  toJSON(): string {
    return '(audit key)';
  }
}

/** Shortest key accepted: 128 bits of a random hex or base64 string. */
const MIN_KEY_LENGTH = 16;

export function recordMac(key: AuditKey, hash: string): string {
  return key.mac(`record:${hash}`);
}

export function headMac(key: AuditKey, seq: number, hash: string): string {
  return key.mac(`head:${seq}:${hash}`);
}

export function sameMac(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The configured key, resolved; undefined when kcops.yaml sets none. Resolution errors are UserErrors. */
export function auditKeyOf(project: Project | undefined, processEnv: NodeJS.ProcessEnv): AuditKey | undefined {
  const ref = project?.audit?.hmacKey;
  if (!project || !ref) return undefined;
  const value = resolveLocally(ref, project.secretProviders, processEnv);
  if (value.length < MIN_KEY_LENGTH)
    throw new UserError(
      'AUDIT_KEY_WEAK',
      `audit.hmacKey resolves to a value shorter than ${MIN_KEY_LENGTH} characters.`,
      {
        hint: 'Use a random key, e.g. `openssl rand -hex 32`, kept in the secret store the reference names.',
      },
    );
  return new AuditKey(value);
}
