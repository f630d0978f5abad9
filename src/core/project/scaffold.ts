import { chmodSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { boundaryOf, lexists, resolveInside, writeInside } from '../fs/boundary.js';
import { basename, join, relative, resolve } from 'node:path';
import { usageError, UserError } from '../../errors.js';
import { requireEnvironment } from './environments.js';
import { findProjectFile, loadProject } from './load-project.js';

/** templates/ ships with the package (package.json "files"). */
const TEMPLATE_ROOT = new URL('../../../templates/', import.meta.url);
const tpl = (rel: string): string => new URL(rel, TEMPLATE_ROOT).pathname;

export const CLOUDS = ['confluent', 'self-managed', 'both'] as const;
export type Cloud = (typeof CLOUDS)[number];

export const CI_PLATFORMS = ['github', 'gitlab', 'both'] as const;
export type CiPlatform = (typeof CI_PLATFORMS)[number];

/**
 * What `kcops init --ci` writes: repository path → template under templates/init/ci/. CODEOWNERS goes to the root,
 * where GitHub and GitLab both read it.
 */
export function ciTemplateFiles(ci: CiPlatform): { path: string; template: string; mode?: number }[] {
  const out: { path: string; template: string; mode?: number }[] = [];
  if (ci === 'github' || ci === 'both')
    for (const f of readdirSync(tpl('init/ci/github/workflows/')).sort())
      out.push({ path: `.github/workflows/${f}`, template: `init/ci/github/workflows/${f}` });
  if (ci === 'gitlab' || ci === 'both') out.push({ path: '.gitlab-ci.yml', template: 'init/ci/gitlab-ci.yml' });
  out.push(
    { path: 'CODEOWNERS', template: 'init/ci/CODEOWNERS' },
    { path: 'docs/pipelines.md', template: 'init/ci/pipelines.md' },
  );
  return out;
}

/** The kcops version the pipelines install: the one that wrote them. */
function kcopsVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Which side of the Terraform blueprint a template file belongs to (undefined: both). */
function terraformSide(rel: string): 'confluent' | 'self-managed' | undefined {
  if (/(^|\/)(modules\/connect-cluster|examples\/self-managed)\/|(^|\/)self-managed\.tf$/.test(rel))
    return 'self-managed';
  if (
    /(^|\/)(modules\/(connectors|networking|service-accounts)|examples\/managed-only)\/|(^|\/)confluent\.tf$/.test(rel)
  )
    return 'confluent';
  return undefined;
}

type Side = 'confluent' | 'self-managed';

/**
 * How each environment `kcops init` writes is deployed, per --cloud choice. kcops.yaml and each Terraform root follow
 * the same table, so no environment has two owners of its connectors (terraform/deployment-mismatch): a self-managed
 * environment's root runs the Connect cluster and kcops applies the connectors; a managed one's root creates them.
 * dev is the local stack of `kcops dev up` in kcops.yaml; on AWS it is self-managed, or has no cluster at all when
 * everything else is managed.
 */
export const ENVIRONMENT_SIDES: Record<Cloud, Record<'dev' | 'staging' | 'prod', Side | undefined>> = {
  both: { dev: 'self-managed', staging: 'self-managed', prod: 'confluent' },
  confluent: { dev: undefined, staging: 'confluent', prod: 'confluent' },
  'self-managed': { dev: 'self-managed', staging: 'self-managed', prod: 'self-managed' },
};

/** templates/init/terraform/ files (relative paths) for a --cloud choice. */
export function terraformTemplateFiles(cloud: Cloud): string[] {
  const root = tpl('init/terraform/');
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else {
        const side = terraformSide(r);
        const root = /^environments\/(dev|staging|prod)\/(confluent|self-managed)\.tf$/.exec(r);
        if (root) {
          if (ENVIRONMENT_SIDES[cloud][root[1] as 'dev' | 'staging' | 'prod'] === root[2]) out.push(r);
        } else if (cloud === 'both' || side === undefined || side === cloud) out.push(r);
      }
    }
  };
  walk('');
  return out.sort();
}

/** templates/init/observability/ files (relative paths): the Grafana dashboard and the log layout and shippers. */
export function observabilityTemplateFiles(): string[] {
  const root = tpl('init/observability/');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/**
 * `kcops init [dir]`: the REQ-OPS-001 layout, with what exists today, the Terraform blueprint for --cloud and the
 * pipelines for --ci (GitHub Actions, GitLab CI or both).
 * Never overwrites a file: what exists (perhaps edited by the user) is reported as skipped.
 */
export function initRepository(
  dir: string,
  cloud: Cloud = 'both',
  ci?: CiPlatform,
): { created: string[]; skipped: string[] } {
  const root = resolve(dir);
  const boundary = boundaryOf(root);
  const created: string[] = [];
  const skipped: string[] = [];
  const write = (rel: string, content: string, mode?: number): void => {
    const abs = join(root, rel);
    // lstat: a link (even a dangling one, which existsSync calls absent) counts as there and is not written through.
    if (lexists(abs)) {
      skipped.push(rel);
      return;
    }
    writeInside(boundary, abs, content, mode ? { mode } : undefined);
    if (mode) chmodSync(resolveInside(boundary, abs), mode);
    created.push(rel);
  };
  const read = (rel: string): string => readFileSync(tpl(rel), 'utf8');
  write(
    'kcops.yaml',
    read('init/kcops.yaml')
      .replaceAll('{{project}}', basename(root) || 'kafka-connect-configs')
      .replace(/\{\{environment:(staging|prod)\}\}/g, (_, env: 'staging' | 'prod') =>
        read(`init/environments/${env}.${ENVIRONMENT_SIDES[cloud][env] ?? 'self-managed'}.yaml`),
      ),
  );
  write('kcops.observability.yaml', read('init/kcops.observability.yaml'));
  for (const env of ['dev', 'staging', 'prod']) write(`connectors/${env}/.gitkeep`, '');
  write('schemas/avro/.gitkeep', '');
  write(
    'schemas/kcops.schema.json',
    readFileSync(new URL('../../../schemas/kcops.schema.json', import.meta.url), 'utf8'),
  );
  write('schemas/connector.schema.json', read('init/ci/connector.schema.json'));
  write('scripts/validate-connector.sh', read('init/validate-connector.sh'), 0o755);
  write('scripts/deploy-connector.sh', read('init/deploy-connector.sh'), 0o755);
  write(
    'docs/README.md',
    '# Operations notes\n\nRunbooks and decisions for these connectors. Validate with `scripts/validate-connector.sh`.\n',
  );
  write('.gitignore', read('init/gitignore'));
  for (const rel of terraformTemplateFiles(cloud)) write(`terraform/${rel}`, read(`init/terraform/${rel}`));
  for (const rel of observabilityTemplateFiles()) write(`observability/${rel}`, read(`init/observability/${rel}`));
  if (ci) {
    const version = kcopsVersion();
    for (const f of ciTemplateFiles(ci)) write(f.path, read(f.template).replaceAll('{{kcopsVersion}}', version));
  }
  return { created, skipped };
}

type Flavour = 'self-managed' | 'confluent-cloud';

/**
 * The connector templates of REQ-USE-002 (templates/connectors/<name>.<flavour>.json). JSON has no comments, so what a
 * template needs beyond the file (plugins, what the dev stack has) is said here, printed by `kcops new` and listed in
 * docs/reference/templates.md.
 */
export const TEMPLATES: Record<string, { summary: string; notes: Record<Flavour, string> }> = {
  'postgres-cdc': {
    summary: 'PostgreSQL change data capture source',
    notes: {
      'self-managed':
        'Debezium PostgresConnector (installed on the dev stack). Requires exactly-once where the environment does: the workers need exactly.once.source.support=enabled.',
      'confluent-cloud':
        'Managed PostgresCdcSourceV2. Set kafka.service.account.id; the vault reference is resolved by kcops at deploy time.',
    },
  },
  'jdbc-sink': {
    summary: 'JDBC sink (PostgreSQL)',
    notes: {
      'self-managed': 'Debezium JdbcSinkConnector (installed on the dev stack).',
      'confluent-cloud':
        'Managed PostgresSink. Set kafka.service.account.id; Confluent Cloud creates the dlq-lcc-* topic itself.',
    },
  },
  's3-sink': {
    summary: 'Amazon S3 sink, one JSON object per record',
    notes: {
      'self-managed':
        'Apache Camel CamelSinkConnector with camel-aws2-s3 3.11.1 (camel-kafka-connector 0.11.0: installed on the dev stack). On the dev stack use uriEndpointOverride=http://127.0.0.1:29090 (the bucket kcops-dev exists) and its s3.properties secret file.',
      'confluent-cloud':
        "Managed S3_SINK. Set kafka.service.account.id; the bucket must be in the cluster's region; or use authentication.method=IAM Roles with provider.integration.id instead of keys.",
    },
  },
  'dynamodb-source': {
    summary: 'Amazon DynamoDB source (DynamoDB Streams)',
    notes: {
      'self-managed':
        'Apache Camel CamelSourceConnector with the aws2-ddbstream component: the connector class is installed on the dev stack, the camel-aws2-ddbstream 3.11.1 jar is not (add it to the plugin directory). The stream must be enabled on the table; records carry the stream record as text. Camel 0.11 does not implement exactly-once.',
      'confluent-cloud': "Managed DynamoDbCdcSource (snapshot, then the table's stream). Set kafka.service.account.id.",
    },
  },
  'dynamodb-sink': {
    summary: 'Amazon DynamoDB sink',
    notes: {
      'self-managed':
        "Confluent DynamoDbSinkConnector (kafka-connect-aws-dynamodb, Confluent licence: not installed on the dev stack), the plugin Confluent Cloud runs as DynamoDbSink. Credentials come from the worker's AWS default chain (instance profile or AWS_* variables), not from the config. Camel's aws2-ddb was not chosen: it needs the item as a typed header, which plain Kafka records do not carry.",
      'confluent-cloud':
        'Managed DynamoDbSink. Set kafka.service.account.id; Confluent Cloud creates the dlq-lcc-* topic itself.',
    },
  },
  'jdbc-source': {
    summary: 'JDBC source (PostgreSQL, query-based: timestamp+incrementing)',
    notes: {
      'self-managed':
        'Confluent JdbcSourceConnector (kafka-connect-jdbc, Confluent Community Licence: not installed on the dev stack; add it and the PostgreSQL driver to the plugin directory). Not marked exactly-once: kcops does not know it to implement KIP-618.',
      'confluent-cloud': 'Managed PostgresSource (MySqlSource takes the same keys). Set kafka.service.account.id.',
    },
  },
};

export const TEMPLATE_NAMES = Object.keys(TEMPLATES);

/** `kcops new <template> --env <env> --name <name>`: the flavour follows the environment's cluster type. */
export function newConnector(
  cwd: string,
  template: string,
  env: string,
  name: string,
  config?: string,
): { file: string; flavour: string; note?: string } {
  const projectFile = config ? resolve(cwd, config) : findProjectFile(cwd);
  if (!projectFile)
    throw new UserError('NO_PROJECT', 'No kcops.yaml here or in a parent directory.', {
      hint: 'Run `kcops init` first.',
    });
  const loaded = loadProject(projectFile);
  if (!loaded.project)
    throw new UserError('INVALID_PROJECT', 'kcops.yaml is invalid.', { hint: 'Run `kcops validate` to see why.' });
  const def = requireEnvironment(loaded.project, env, projectFile);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw usageError('USAGE', `'${name}' is not a valid connector name.`, 'Use lower-case letters, digits and -.');
  const flavour = def.cluster.type;
  const source = tpl(`connectors/${template}.${flavour}.json`);
  if (!existsSync(source)) {
    const available = [...new Set(readdirSync(tpl('connectors/')).map((f) => f.split('.')[0]))];
    throw usageError('USAGE', `No template '${template}' for ${flavour}.`, `Templates: ${available.join(', ')}.`);
  }
  const target = join(loaded.root, 'connectors', env, `${name}.json`);
  if (lexists(target))
    throw new UserError('EXISTS', `${relative(cwd, target)} already exists.`, {
      hint: 'Choose another --name or edit the file.',
    });
  const slot = name.replace(/[^a-z0-9]/g, '_');
  writeInside(
    boundaryOf(loaded.root),
    target,
    readFileSync(source, 'utf8').replaceAll('{{name}}', name).replaceAll('{{env}}', env).replaceAll('{{slot}}', slot),
  );
  return { file: relative(cwd, target) || target, flavour, note: TEMPLATES[template]?.notes[flavour] };
}

/** docs/reference/templates.md, generated from TEMPLATES and the template files (scripts/gen-docs.mjs). */
export function renderTemplateDocs(): string {
  const cls = (t: string, f: Flavour): string =>
    (JSON.parse(readFileSync(tpl(`connectors/${t}.${f}.json`), 'utf8')) as { config: Record<string, string> }).config[
      'connector.class'
    ] ?? '';
  const lines = [
    '# Connector templates',
    '',
    '<!-- Generated from src/core/project/scaffold.ts and templates/connectors/ by `npm run docs`; do not edit. -->',
    '',
    '`kcops new <template> --env <env> --name <name>` writes `connectors/<env>/<name>.json` from a template, in the',
    "flavour of the environment's cluster type: `self-managed` (a Java connector class) or `confluent-cloud` (a managed",
    'connector). Every generated file passes `kcops validate` as written in a fresh `kcops init` repository: secrets are',
    'references to declared providers, sinks have a dead letter queue (self-managed; Confluent Cloud creates `dlq-lcc-*`),',
    'and sources that support exactly-once require it. Hosts, tables, topics, buckets and `kafka.service.account.id` are',
    'examples to replace.',
    '',
  ];
  for (const [name, t] of Object.entries(TEMPLATES)) {
    lines.push(`## \`${name}\`: ${t.summary}`, '');
    for (const f of ['self-managed', 'confluent-cloud'] as const)
      lines.push(`- **${f}**: \`${cls(name, f)}\`. ${t.notes[f]}`);
    lines.push('');
  }
  return lines.join('\n');
}
