import { findSecretRefs } from '../../secrets/reference.js';
import { classifySecretValue, isSecretKey, type SecretValueKind } from '../../secrets/scan.js';
import { valueCredentials } from '../../secrets/sensitive.js';
import type { ConfigEntry } from '../../project/connector-file.js';
import { connectorRule, type ConnectorContext, type ConnectorRule } from '../rule.js';
import type { Draft } from '../finding.js';
import { exampleProject, goodSink, goodSource, json } from './examples.js';

const passing = { path: 'app-cdc.json', content: json('app-cdc', goodSource) };

/** A private key is a credential whatever key holds it (e.g. a PEM pasted into ssl.truststore.certificates). */
const PRIVATE_KEY_BLOCK = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** A JAAS login line holds its password options whatever key it sits in (e.g. a custom `*.login.options`). */
const JAAS_LINE = /LoginModule\s+(?:required|requisite|sufficient|optional)\b/;

function isJaas(e: ConfigEntry): boolean {
  return /jaas\.config$/i.test(e.key) || (e.value !== undefined && JAAS_LINE.test(e.value));
}

function secretBearing(ctx: ConnectorContext, e: ConfigEntry): boolean {
  return (
    isSecretKey(e.key) ||
    ctx.plugin?.keys[e.key]?.type === 'PASSWORD' ||
    (e.value !== undefined && (PRIVATE_KEY_BLOCK.test(e.value) || JAAS_LINE.test(e.value)))
  );
}

/**
 * Each credential a value holds (one, or the password/secret options of a JAAS line, found by the same patterns that
 * mask them everywhere else), classified. Values are never returned to users.
 */
function secretValues(e: ConfigEntry): SecretValueKind[] {
  if (e.value === undefined) return [];
  if (isJaas(e))
    return valueCredentials(e.value)
      .filter((c) => c.kind === 'jaas-option')
      .map((c) => classifySecretValue(c.value));
  return [classifySecretValue(e.value)];
}

/**
 * The secret-bearing entries of a file with their classified values, computed once per file (its context) for the rules that ask
 * (several rules, and a minified file can hold tens of thousands of entries).
 */
const classified = new WeakMap<ConnectorContext, { e: ConfigEntry; kinds: SecretValueKind[] }[]>();

function secretEntries(ctx: ConnectorContext): { e: ConfigEntry; kinds: SecretValueKind[] }[] {
  let list = classified.get(ctx);
  if (!list) {
    list = [...ctx.file.config.values()]
      .filter((e) => secretBearing(ctx, e))
      .map((e) => ({ e, kinds: secretValues(e) }));
    classified.set(ctx, list);
  }
  return list;
}

function byKind(kind: SecretValueKind, message: (e: ConfigEntry) => string, hint: string) {
  return (ctx: ConnectorContext): Draft[] =>
    secretEntries(ctx)
      .filter((x) => x.kinds.includes(kind))
      .map(({ e }) => ({ message: message(e), at: e.valueAt, hint }));
}

/** A credential in a URL (user:password@, or a password=-like query/JDBC parameter), for secret/in-url. */
function urlCredentials(value: string): { what: string; value: string }[] {
  return valueCredentials(value)
    .flatMap((c) =>
      c.kind === 'url-userinfo'
        ? [{ what: 'user:password@ in the URL', value: decodeSafe(c.value) }]
        : c.kind === 'query-param'
          ? [{ what: `${c.name ?? 'password'}= in the URL`, value: decodeSafe(c.value) }]
          : [],
    )
    .filter((c) => c.value.length > 0 && classifySecretValue(c.value) !== 'reference');
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const REF_HINT =
  'Use a config-provider reference such as ${file:/etc/kafka/secrets/db.properties:password} and declare the provider in kcops.yaml.';

export const secretRules: ConnectorRule[] = [
  connectorRule({
    id: 'secret/plaintext',
    category: 'secret',
    severity: 'error',
    summary: 'A literal credential in a secret-bearing key',
    examples: {
      failing: { path: 'app-cdc.json', content: json('app-cdc', { ...goodSource, 'database.password': 'hunter2' }) },
      passing,
    },
    check: byKind(
      'literal',
      (e) => `'${e.key}' holds a literal credential (value hidden); it must not be stored in Git.`,
      REF_HINT,
    ),
  }),
  connectorRule({
    id: 'secret/placeholder',
    category: 'secret',
    severity: 'error',
    advisory: 'warning',
    summary: 'A secret-bearing key holds a placeholder, not a config-provider reference',
    examples: {
      failing: {
        path: 'app-cdc.json',
        content: json('app-cdc', { ...goodSource, 'database.password': '<DB_PASSWORD>' }),
      },
      passing,
    },
    check: byKind(
      'placeholder',
      (e) =>
        `'${e.key}' holds a placeholder (${e.value?.trim() === '' ? 'empty' : 'a template variable or dummy text'}); whatever fills it in puts a plaintext secret into the submitted config.`,
      REF_HINT,
    ),
  }),
  connectorRule({
    id: 'secret/in-url',
    category: 'secret',
    severity: 'error',
    summary: 'A credential embedded in a URL',
    examples: {
      failing: {
        path: 'orders-db-sink.json',
        content: json('orders-db-sink', {
          ...goodSink,
          'connection.url': 'jdbc:postgresql://db:5432/app?user=app&password=s3cret',
        }),
      },
      passing: {
        path: 'orders-db-sink.json',
        content: json('orders-db-sink', { ...goodSink, 'connection.url': 'jdbc:postgresql://db:5432/app' }),
      },
    },
    check: (ctx) =>
      [...ctx.file.config.values()].flatMap((e) =>
        e.value === undefined || !/:\/\/|^jdbc:/i.test(e.value)
          ? []
          : urlCredentials(e.value).map((c) => {
              // Judged like a value in a secret key: a dummy word or a template variable is a placeholder there, so
              // here too (same wording, same advisory softening); anything else is a real credential in Git.
              const placeholder = classifySecretValue(c.value) === 'placeholder';
              return {
                message: placeholder
                  ? `'${e.key}' embeds a placeholder credential (${c.what}); whatever fills it in puts a plaintext secret into the URL.`
                  : `'${e.key}' embeds a credential (${c.what}; value hidden).`,
                at: e.valueAt,
                hint: 'Move the password into its own key (e.g. connection.password) holding a config-provider reference.',
                ...(placeholder && ctx.severityMode === 'advisory' ? { severity: 'warning' as const } : {}),
              };
            }),
      ),
  }),
  connectorRule({
    id: 'secret/unknown-provider',
    category: 'secret',
    severity: 'error',
    summary: 'A reference names a config provider kcops.yaml does not declare',
    examples: {
      failing: {
        path: 'connectors/prod/app-cdc.json',
        project: exampleProject,
        content: json('app-cdc', { ...goodSource, 'database.password': '${vault:secret/db:password}' }),
      },
      passing: { path: 'connectors/prod/app-cdc.json', project: exampleProject, content: json('app-cdc', goodSource) },
    },
    check: (ctx) => {
      const declared = ctx.project?.secretProviders;
      if (!declared) return [];
      return [...ctx.file.config.values()].flatMap((e) =>
        findSecretRefs(e.value ?? '')
          .filter((r) => !(r.provider in declared))
          .map((r) => ({
            message: `'${e.key}' references provider '${r.provider}', which kcops.yaml does not declare.`,
            at: e.valueAt,
            hint: `Declare it under secretProviders (declared: ${Object.keys(declared).join(', ') || 'none'}).`,
          })),
      );
    },
  }),
  connectorRule({
    id: 'secret/worker-provider-on-managed',
    category: 'secret',
    severity: 'error',
    summary: 'A Confluent Cloud connector references a provider resolved by the worker',
    examples: {
      failing: {
        path: 'connectors/cloud/app-cdc.json',
        project: `project: shop\nsecretProviders:\n  file: { type: file, resolvedBy: worker }\nenvironments:\n  cloud:\n    cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123, apiEndpoint: 'https://api.confluent.cloud' }\n`,
        content: json('app-cdc', {
          'connector.class': 'PostgresCdcSourceV2',
          'tasks.max': '1',
          'database.password': '${file:/secrets/db.properties:password}',
        }),
      },
      passing: {
        path: 'connectors/cloud/app-cdc.json',
        project: `project: shop\nsecretProviders:\n  vault: { type: vault, resolvedBy: kcops, address: 'https://vault:8200' }\nenvironments:\n  cloud:\n    cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123, apiEndpoint: 'https://api.confluent.cloud' }\n`,
        content: json('app-cdc', {
          'connector.class': 'PostgresCdcSourceV2',
          'tasks.max': '1',
          'database.password': '${vault:secret/db:password}',
        }),
      },
    },
    check: (ctx) => {
      const declared = ctx.project?.secretProviders;
      if (!declared || !ctx.managed) return [];
      return [...ctx.file.config.values()].flatMap((e) =>
        findSecretRefs(e.value ?? '')
          .filter(
            (r) =>
              declared[r.provider]?.resolvedBy === 'worker' &&
              // Listed there, Confluent Cloud's secret manager resolves it (core/secrets/where.ts).
              !ctx.env?.def?.secrets?.cloud?.providers.includes(r.provider),
          )
          .map((r) => ({
            message: `'${e.key}' uses provider '${r.provider}' (resolvedBy: worker), but Confluent Cloud workers have no custom config providers.`,
            at: e.valueAt,
            hint: `Declare '${r.provider}' with resolvedBy: kcops so kcops resolves it at deploy time.`,
          })),
      );
    },
  }),
];
