import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The one hash format for API key secrets, shared with the Connect extension (extensions/connect-access, KeyStore):
 * `pbkdf2-sha512$<iterations>$<salt base64>$<hash base64>`. 210,000 iterations of PBKDF2-HMAC-SHA512 is OWASP's
 * current figure; the extension caches a verified secret per key, so the cost is paid once per key and worker.
 */
export const PBKDF2_ITERATIONS = 210_000;

export function hashSecret(secret: string, iterations = PBKDF2_ITERATIONS): string {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(secret, salt, iterations, 32, 'sha512');
  return `pbkdf2-sha512$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifySecret(stored: string, secret: string): boolean {
  const [alg, it, salt, hash] = stored.split('$');
  if (alg !== 'pbkdf2-sha512' || !it || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = pbkdf2Sync(secret, Buffer.from(salt, 'base64'), Number(it), expected.length, 'sha512');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A key id like Confluent Cloud's: 16 upper-case characters, no look-alikes (0/O, 1/I). Not a secret. */
export function newKeyId(): string {
  return Array.from(randomBytes(16), (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

/** 32 random bytes, base64url: the secret shown once at creation. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
