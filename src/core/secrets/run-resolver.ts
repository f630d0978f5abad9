import type { Project, SecretProvider } from '../project/schema.js';
import { findSecretRefs, SECRET_REF, type SecretRef } from './reference.js';
import { resolveLocally } from './resolve.js';
import { VaultStore } from './providers/vault.js';
import type { SecretStore } from './providers/store.js';

/** Provider types kcops reads over the network, asynchronously (the others are local files and variables). */
export const REMOTE_PROVIDER_TYPES = new Set(['aws-secrets-manager', 'vault']);

/**
 * The providers as environment `env` sees them: its own `secretProviders` entries replace the top-level ones of the
 * same name (another Vault address or namespace, another AWS region per environment).
 */
export function providersOf(project: Project, env: string | undefined): Record<string, SecretProvider> {
  const e = env !== undefined && Object.hasOwn(project.environments, env) ? project.environments[env] : undefined;
  return Object.assign(
    Object.create(null) as Record<string, SecretProvider>,
    project.secretProviders,
    e?.secretProviders ?? {},
  );
}

export interface SecretResolverOptions {
  providers: Record<string, SecretProvider>;
  env: NodeJS.ProcessEnv;
  /** The clock of Vault token expiry (tests). */
  now?: () => number;
}

/**
 * One resolver per run (a plan, an apply, a rollback): references to the same secret share one request, whatever the
 * number of connectors and keys that use it, and values stay in this object's memory until the run ends.
 */
export class SecretResolver {
  private readonly stores = new Map<string, SecretStore>();
  private readonly fetched = new Map<string, Promise<unknown>>();

  constructor(private readonly o: SecretResolverOptions) {}

  /** True when the value holds a reference kcops would have to fetch over the network. */
  needsNetwork(value: string): boolean {
    return findSecretRefs(value).some((r) => REMOTE_PROVIDER_TYPES.has(this.typeOf(r)));
  }

  /** One reference `${provider:path:key}` → its value. */
  async resolve(refText: string): Promise<string> {
    const ref = findSecretRefs(refText)[0];
    if (!ref || !REMOTE_PROVIDER_TYPES.has(this.typeOf(ref))) return this.local(refText);
    const store = await this.storeFor(ref);
    const key = `${ref.provider}\0${store.cacheKey(ref)}`;
    let pending = this.fetched.get(key);
    if (!pending) {
      pending = store.fetch(ref);
      this.fetched.set(key, pending);
      // A failed fetch is not cached: the next reference asks again (and fails with its own reference named).
      pending.catch(() => this.fetched.delete(key));
    }
    return store.pick(ref, await pending);
  }

  /** Every reference inside a value replaced by its secret (a value may hold several, or text around one). */
  /**
   * Every reference in `value` replaced by its secret. `lenient`: a reference that cannot be resolved stays as written
   * (validate, whose offline secret rules explain it) instead of failing the whole value.
   */
  async resolveValue(value: string, o: { lenient?: boolean | undefined } = {}): Promise<string> {
    const refs = findSecretRefs(value);
    if (refs.length === 0) return value;
    const values = await Promise.all(
      refs.map((r) => (o.lenient ? this.resolve(r.text).catch(() => r.text) : this.resolve(r.text))),
    );
    let i = 0;
    return value.replace(SECRET_REF, () => values[i++] ?? '');
  }

  /** Forgets what was fetched (a secret rotated while a long-running process lives) and releases the clients. */
  close(): void {
    for (const s of this.stores.values()) s.close();
    this.stores.clear();
    this.fetched.clear();
  }

  private local(refText: string): string {
    return resolveLocally(refText, this.o.providers, this.o.env);
  }

  private typeOf(ref: SecretRef): string {
    const p = Object.hasOwn(this.o.providers, ref.provider) ? this.o.providers[ref.provider] : undefined;
    return p?.type ?? ref.provider;
  }

  private async storeFor(ref: SecretRef): Promise<SecretStore> {
    const existing = this.stores.get(ref.provider);
    if (existing) return existing;
    const p = Object.hasOwn(this.o.providers, ref.provider) ? this.o.providers[ref.provider] : undefined;
    let store: SecretStore;
    if (p?.type === 'aws-secrets-manager') {
      // The AWS SDK is loaded only by runs that read Secrets Manager (it costs every other command start-up time).
      const { AwsSecretsManagerStore } = await import('./providers/aws-secrets-manager.js');
      store = this.stores.get(ref.provider) ?? new AwsSecretsManagerStore(ref.provider, p, this.o.env);
    } else if (p?.type === 'vault') {
      store = new VaultStore(ref.provider, p, {
        env: this.o.env,
        resolveLocal: (r) => this.local(r),
        ...(this.o.now ? { now: this.o.now } : {}),
      });
    } else {
      // A remote type used as a provider name without a declaration: there is no address or region to use.
      return {
        cacheKey: () => '',
        fetch: () => Promise.resolve(this.local(ref.text)),
        pick: (_r, v) => String(v),
        close: () => undefined,
      };
    }
    this.stores.set(ref.provider, store);
    return store;
  }
}
