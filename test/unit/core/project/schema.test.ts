import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProject } from '../../../../src/core/project/load-project.js';
import { projectJsonSchema } from '../../../../src/core/project/schema.js';

describe('kcops.yaml schema', () => {
  it('schemas/kcops.schema.json is up to date (regenerate: node scripts/gen-project-schema.mjs)', () => {
    const committed = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../../schemas/kcops.schema.json'), 'utf8'),
    ) as object;
    expect(committed).toEqual(projectJsonSchema());
  });

  it('reports every error with its path and line:column', () => {
    const text = [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [] }',
      'environments:',
      '  prod:',
      '    cluster:',
      '      type: self-managed',
      '      connect:',
      "        urls: ['not a url']",
      '        auth: { username: connect, password: hunter2 }',
      '  cloud:',
      '    cluster: { type: confluent-cloud, environmentId: env-1, kafkaClusterId: cluster-1 }',
      '',
    ].join('\n');
    const p = parseProject('kcops.yaml', text);
    expect(p.project).toBeUndefined();
    const byPath = Object.fromEntries(p.issues.map((i) => [i.path, i.at]));
    expect(byPath['teams.payments.prefixes']).toEqual({ line: 3, column: 25 });
    expect(byPath['environments.prod.cluster.connect.urls.0']).toEqual({ line: 9, column: 16 });
    expect(byPath['environments.prod.cluster.connect.auth.password']).toEqual({ line: 10, column: 46 });
    expect(Object.keys(byPath)).toContain('environments.cloud.cluster.kafkaClusterId');
    expect(p.issues.find((i) => i.path.endsWith('password'))?.message).toMatch(/never a literal/);
  });

  it('accepts a complete file with both cluster types and all provider kinds', () => {
    const p = parseProject(
      'kcops.yaml',
      `project: shop
secretProviders:
  env: { type: env, resolvedBy: worker, allowlist: '^KCOPS_.*' }
  file: { type: file, resolvedBy: worker }
  aws: { type: aws-secrets-manager, resolvedBy: kcops, region: eu-west-1 }
  vault: { type: vault, resolvedBy: kcops, address: 'https://vault:8200', auth: { method: token, token: '\${env:VAULT_TOKEN}' } }
teams:
  payments: { prefixes: [payments-], serviceAccounts: [sa-payments] }
environments:
  dev:
    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:28083'], auth: { username: connect, password: '\${file:/etc/kcops/connect.properties:password}' } } }
    kafka: { bootstrapServers: ['127.0.0.1:29092'], sasl: { mechanism: PLAIN, username: admin, password: '\${env:KCOPS_KAFKA_PASSWORD}' } }
    policies: { requireDlqOnSinks: true, requireExactlyOnceOnSources: false, maxTasks: 4, namingPattern: '^[a-z-]+$', allowedClasses: [FileStreamSink] }
  prod:
    cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123, apiEndpoint: 'https://api.confluent.cloud', credentials: { apiKey: '\${vault:kv/cc:key}', apiSecret: '\${vault:kv/cc:secret}' } }
    kafka: { restEndpoint: 'https://pkc-1.eu-west-1.aws.confluent.cloud:443' }
`,
    );
    expect(p.issues).toEqual([]);
    expect(p.project?.environments.prod?.policies.requireDlqOnSinks).toBe(true);
  });
});

describe('kcops.yaml duplicate keys', () => {
  it('are reported where the second one is written, in any map', () => {
    const text = [
      'project: shop',
      'teams:',
      '  payments: { prefixes: [payments-], prefixes: [x-] }',
      'environments:',
      '  prod:',
      "    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }",
      '  prod:',
      "    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:2'] } }",
      '',
    ].join('\n');
    const p = parseProject('kcops.yaml', text);
    expect(p.project).toBeUndefined();
    expect(p.issues.map((i) => [i.at, i.message])).toEqual([
      [{ line: 3, column: 38 }, expect.stringMatching(/^Map keys must be unique: 'prefixes'/)],
      [{ line: 7, column: 3 }, expect.stringMatching(/^Map keys must be unique: 'prod'/)],
    ]);
  });

  it('1 and "1" are different keys, as in YAML', () => {
    const p = parseProject('kcops.yaml', "project: shop\nlabels: { 1: a, '1': b }\nenvironments: {}\n");
    expect(p.issues.filter((i) => /unique/.test(i.message))).toEqual([]);
  });

  it('a kcops.yaml with thousands of environments is read in linear time (yaml’s own duplicate check is quadratic)', () => {
    const cpuMs = (n: number): number => {
      // The anchor sends the file down the positioned read (the yaml Document), whose duplicate check is tested here.
      const lines = ['project: &name big', 'environments:'];
      for (let i = 0; i < n; i++)
        lines.push(`  env-${i}:`, `    cluster: { type: self-managed, connect: { urls: ['http://h-${i}:8083'] } }`);
      const text = lines.join('\n') + '\n';
      const before = process.cpuUsage();
      const p = parseProject('kcops.yaml', text);
      const used = process.cpuUsage(before);
      expect(p.issues).toEqual([]);
      expect(Object.keys(p.project?.environments ?? {})).toHaveLength(n);
      return (used.user + used.system) / 1000;
    };
    cpuMs(500); // warm up
    const small = cpuMs(5_000);
    const big = cpuMs(20_000);
    // Four times the environments: two to three times the CPU now (measured 2.0 for yaml alone), over five with
    // yaml's quadratic check (measured 5.2), and more the bigger the file. CPU time: steadier on a loaded machine.
    expect(big / small).toBeLessThan(4);
  }, 300_000);
});
