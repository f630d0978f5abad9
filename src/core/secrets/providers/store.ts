import { UserError } from '../../../errors.js';
import type { SecretRef } from '../reference.js';

/**
 * A secret store kcops reads over the network (AWS Secrets Manager, Vault). The run resolver (run-resolver.ts) asks
 * each store for one `fetch` per cache key and picks every key of every reference from that one answer, so N
 * connectors sharing a secret make one request.
 */
export interface SecretStore {
  /** References with the same key are answered by one fetch (same secret, same version). */
  cacheKey(ref: SecretRef): string;
  /** The secret as the store answers it; kept in memory for this run only. */
  fetch(ref: SecretRef): Promise<unknown>;
  /** The value the reference names, from what `fetch` answered. */
  pick(ref: SecretRef, fetched: unknown): string;
  close(): void;
}

/** `NAME#VERSION` → the name and the version (a stage, an id, or a number for Vault). */
export function splitVersion(path: string): { id: string; version: string | undefined } {
  const i = path.lastIndexOf('#');
  if (i < 0) return { id: path, version: undefined };
  return { id: path.slice(0, i), version: path.slice(i + 1) || undefined };
}

/** A reference as it may be shown: provider, path and key (never a value). */
export function describeRef(ref: SecretRef): string {
  return ref.text;
}

export type SecretErrorCode =
  | 'SECRET_NOT_FOUND'
  | 'SECRET_ACCESS_DENIED'
  | 'SECRET_STORE_UNREACHABLE'
  | 'SECRET_PROVIDER_INVALID'
  | 'SECRET_UNRESOLVED'
  | 'SECRET_REF';

export function secretFailure(
  ref: SecretRef,
  store: string,
  code: SecretErrorCode,
  why: string,
  hint: string,
): UserError {
  const message = `Cannot resolve ${describeRef(ref)} with the ${store}: ${why}.`;
  const o = { hint: `${hint} The value is never printed.` };
  // Each code written out, so the list of codes in docs/reference/exit-codes.md is checked against the source.
  switch (code) {
    case 'SECRET_NOT_FOUND':
      return new UserError('SECRET_NOT_FOUND', message, o);
    case 'SECRET_ACCESS_DENIED':
      return new UserError('SECRET_ACCESS_DENIED', message, o);
    case 'SECRET_STORE_UNREACHABLE':
      return new UserError('SECRET_STORE_UNREACHABLE', message, o);
    case 'SECRET_PROVIDER_INVALID':
      return new UserError('SECRET_PROVIDER_INVALID', message, o);
    case 'SECRET_REF':
      return new UserError('SECRET_REF', message, o);
    default:
      return new UserError('SECRET_UNRESOLVED', message, o);
  }
}

/** A key of a JSON object secret (AWS SecretString, the data of a Vault secret). */
export function extractKey(ref: SecretRef, store: string, text: string, key: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw secretFailure(
      ref,
      store,
      'SECRET_UNRESOLVED',
      `the secret is not a JSON object, so it has no key '${key}'`,
      'Drop the key from the reference to use the whole secret (${provider:NAME}), or store the secret as JSON key/value pairs.',
    );
  }
  return pickKey(ref, store, doc, key);
}

export function pickKey(ref: SecretRef, store: string, doc: unknown, key: string): string {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw secretFailure(
      ref,
      store,
      'SECRET_UNRESOLVED',
      'the secret is not a key/value object',
      'Store the secret as key/value pairs.',
    );
  }
  const o = doc as Record<string, unknown>;
  if (!Object.hasOwn(o, key)) {
    // The key names are not secret; listing them is what makes a typo obvious.
    const keys = Object.keys(o).slice(0, 20);
    throw secretFailure(
      ref,
      store,
      'SECRET_UNRESOLVED',
      `the secret has no key '${key}' (its keys: ${keys.join(', ') || 'none'})`,
      'Correct the key in the reference.',
    );
  }
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
