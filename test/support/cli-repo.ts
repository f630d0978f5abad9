import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from './run-cli.js';

/**
 * A throw-away configuration repository in Git, pointed at the running dev stack, and the real CLI entry point run
 * in-process against it. The team prefix is unique per run, so the ownership scope holds only this test's
 * connectors and everything else on the shared stack is unmanaged.
 */
export interface StackEnv {
  urls: string[];
  creds: { connect: { username: string; password: string }; kafka: { admin: { username: string; password: string } } };
  bootstrap: string;
}

export function stackFromEnv(): StackEnv | undefined {
  const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
  const file = process.env.KCOPS_TEST_CREDENTIALS_FILE;
  if (urls.length === 0 || !file) return undefined;
  return {
    urls,
    creds: JSON.parse(readFileSync(file, 'utf8')) as StackEnv['creds'],
    bootstrap: process.env.KCOPS_TEST_KAFKA_BOOTSTRAP ?? '127.0.0.1:29092',
  };
}

export class TestRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'kcops-gitit-'));
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly stack: StackEnv,
    readonly prefix: string,
  ) {
    this.env = {
      ...process.env,
      GITIT_CONNECT_PW: stack.creds.connect.password,
      KCOPS_ACTOR: 'gitit <ci@example.com>',
      NO_COLOR: '1',
    };
    delete this.env.KCOPS_AUDIT_FILE;
    const yaml = [
      'project: gitit',
      'secretProviders:',
      "  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }",
      '  kcops-env: { type: env, resolvedBy: kcops }',
      'teams:',
      `  payments: { prefixes: [${prefix}], serviceAccounts: [sa-payments] }`,
      'environments:',
      '  dev:',
      '    cluster:',
      '      type: self-managed',
      `      connect: { urls: [${stack.urls.join(', ')}], auth: { username: ${stack.creds.connect.username}, password: '\${kcops-env:GITIT_CONNECT_PW}' } }`,
    ].join('\n');
    writeFileSync(join(this.dir, 'kcops.yaml'), yaml + '\n');
    mkdirSync(join(this.dir, 'connectors', 'dev'), { recursive: true });
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.name', 'gitit');
    this.git('config', 'user.email', 'ci@example.com');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' }).trim();
  }

  /** Writes (or, with `undefined`, removes) a connector file; the name gets the run's prefix. */
  put(suffix: string, config: Record<string, string> | undefined, state?: 'RUNNING' | 'PAUSED' | 'STOPPED'): string {
    const name = this.prefix + suffix;
    const file = join(this.dir, 'connectors', 'dev', `${name}.json`);
    if (config === undefined) rmSync(file, { force: true });
    else writeFileSync(file, JSON.stringify({ name, ...(state ? { state } : {}), config }, null, 2) + '\n');
    return name;
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  get auditFile(): string {
    return join(this.dir, '.kcops', 'audit', 'audit.jsonl');
  }

  kcops(...argv: string[]): Promise<CliRun> {
    return runCli(argv, { cwd: this.dir, env: this.env });
  }
}

/** A FileStream sink running as the payments team (the dev stack's workers resolve the env reference). */
export function fileSink(topic: string, file: string): Record<string, string> {
  return {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': '1',
    topics: topic,
    file,
    'consumer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
  };
}
