import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { SecretProvider } from '../project/schema.js';
import { findSecretRefs } from './reference.js';
import { resolveDevStackSecret } from '../dev-stack/secret.js';

/**
 * Resolves a reference on the kcops side (credentials kcops itself needs, such as the Connect REST password, and
 * providers declared `resolvedBy: kcops`): env, file, dir and dev-stack, synchronously. vault and aws-secrets-manager are
 * read over the network by the run resolver (run-resolver.ts), for connector configurations.
 */
export function resolveLocally(ref: string, providers: Record<string, SecretProvider>, env: NodeJS.ProcessEnv): string {
  const r = findSecretRefs(ref)[0];
  if (!r) throw new UserError('SECRET_REF', 'not a secret reference ${provider:path:key}');
  // Own entries only: names in references are the user's (`toString` is not a provider, nor a variable).
  const p = Object.hasOwn(providers, r.provider) ? providers[r.provider] : undefined;
  const type = p?.type ?? r.provider; // undeclared env/file/dir still work for loose use
  const fail = (why: string): never => {
    throw new UserError(
      'SECRET_UNRESOLVED',
      `Cannot resolve the reference to provider '${r.provider}' (key '${r.key}'): ${why}.`,
      {
        hint: 'Check the reference and the provider declaration in kcops.yaml; the value is never printed.',
      },
    );
  };
  if (type === 'env') {
    const v = Object.hasOwn(env, r.key) ? env[r.key] : undefined;
    return v === undefined ? fail('the environment variable is not set') : v;
  }
  if (type === 'dev-stack') return resolveDevStackSecret(r, env);
  if (type === 'file' || type === 'dir') {
    const base = p && (p.type === 'file' || p.type === 'dir') ? p.baseDir : undefined;
    const path = base && r.path && !r.path.startsWith('/') ? join(base, r.path) : r.path;
    if (!path) return fail('no file path');
    let text: string;
    try {
      text = readFileSync(type === 'dir' ? join(path, r.key) : path, 'utf8');
    } catch (e) {
      return fail(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (type === 'dir') return text.replace(/\r?\n$/, '');
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([^#!=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
      if (m && m[1] === r.key) return m[2] ?? '';
    }
    return fail('the key is not in the file');
  }
  if (type === 'vault' || type === 'aws-secrets-manager') {
    return fail(
      p
        ? `a ${type} provider is read at plan/apply time for connector configurations; credentials in kcops.yaml (cluster, Kafka, Schema Registry, audit) are read with env, file, dir or dev providers`
        : `'${type}' is not declared under secretProviders in kcops.yaml (it needs ${type === 'vault' ? 'an address' : 'a region'})`,
    );
  }
  return fail(`provider type '${type}' is not one kcops knows (env, file, dir, dev-stack, vault, aws-secrets-manager)`);
}
