import { readFileSync } from 'node:fs';
import { UserError } from '../../errors.js';
import type { SecretRef } from '../secrets/reference.js';
import { devCredentialsFile, devHome } from './home.js';

/**
 * The `dev-stack` secret provider: `${dev:connect.password}` is the `connect.password` entry of the dev stack's 0600
 * credentials file, so a repository's dev environment works in any shell without exporting anything. The key is a
 * dotted path into that file (connect.password, kafka.admin.password, kafka.serviceAccounts.sa-payments.password,
 * postgres.cdc.password, s3.secretAccessKey). Errors name the file and the key, never a value.
 */
export function resolveDevStackSecret(ref: SecretRef, env: NodeJS.ProcessEnv): string {
  const file = devCredentialsFile(devHome(env));
  const fail = (why: string, hint: string, details: string[] = []): never => {
    throw new UserError(
      'SECRET_UNRESOLVED',
      `Cannot resolve the reference to provider '${ref.provider}' (key '${ref.key}'): ${why}.`,
      { hint, details },
    );
  };
  if (ref.path !== undefined) fail('a dev-stack reference has no path', `Write it as \${${ref.provider}:${ref.key}}.`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(
      `the dev stack's credentials file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      'Start the local stack with `kcops dev up`, or point KCOPS_DEV_HOME at the home of the stack you started.',
    );
  }
  let creds: unknown;
  try {
    creds = JSON.parse(text);
  } catch {
    return fail(`${file} is not valid JSON`, 'Run `kcops dev down --purge` and `kcops dev up` for new credentials.');
  }
  const value = ref.key.split('.').reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), creds);
  if (typeof value !== 'string' || value.length === 0) {
    return fail(`${file} has no entry '${ref.key}'`, 'Use one of the keys listed (the values are never printed).', [
      `keys: ${secretKeys(creds).join(', ')}`,
    ]);
  }
  return value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dotted paths of the file's string entries: what a reference may name. */
function secretKeys(v: unknown, prefix = ''): string[] {
  if (!isRecord(v)) return [];
  return Object.entries(v).flatMap(([k, x]) =>
    typeof x === 'string' ? [`${prefix}${k}`] : secretKeys(x, `${prefix}${k}.`),
  );
}
