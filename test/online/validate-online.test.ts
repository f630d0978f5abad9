import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onlineChecker } from '../../src/core/validate/online/checker.js';
import { validate } from '../../src/core/validate/run.js';

/**
 * The online rules against a real dev stack (`kcops dev up`). Run with:
 *   KCOPS_TEST_CONNECT_URL=http://127.0.0.1:28083 KCOPS_TEST_CREDENTIALS_FILE=$HOME/.kcops/dev/credentials.json \
 *   [KCOPS_TEST_KAFKA_BOOTSTRAP=127.0.0.1:29092] npx vitest run --project online
 */
const url = process.env.KCOPS_TEST_CONNECT_URL;
const credsFile = process.env.KCOPS_TEST_CREDENTIALS_FILE;
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP ?? '127.0.0.1:29092';

interface Creds {
  connect: { username: string; password: string };
  kafka: { admin: { username: string; password: string }; serviceAccounts: Record<string, { username: string }> };
}

const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';

describe.skipIf(!url || !credsFile)('validate online against the dev stack', () => {
  let dir: string;
  beforeAll(() => {
    const creds = JSON.parse(readFileSync(credsFile!, 'utf8')) as Creds;
    dir = mkdtempSync(join(tmpdir(), 'kcops-online-'));
    // kcops resolves its own credentials through a file reference; the file is private to this test.
    writeFileSync(
      join(dir, 'kcops-secrets.properties'),
      `connect=${creds.connect.password}\nkafka=${creds.kafka.admin.password}\n`,
    );
    chmodSync(join(dir, 'kcops-secrets.properties'), 0o600);
    const sa = creds.kafka.serviceAccounts['sa-payments']?.username ?? 'sa-payments';
    writeFileSync(
      join(dir, 'kcops.yaml'),
      `project: online
secretProviders:
  file: { type: file, resolvedBy: worker }
  local: { type: file, resolvedBy: kcops }
teams:
  payments: { prefixes: [payments-], serviceAccounts: ['User:${sa}'] }
environments:
  dev:
    cluster:
      type: self-managed
      connect: { urls: ['${url}'], auth: { username: ${creds.connect.username}, password: '\${local:${dir}/kcops-secrets.properties:connect}' } }
    kafka: { bootstrapServers: ['${bootstrap}'], sasl: { mechanism: PLAIN, username: ${creds.kafka.admin.username}, password: '\${local:${dir}/kcops-secrets.properties:kafka}' } }
    policies: { requireDlqOnSinks: false, requireExactlyOnceOnSources: false }
`,
    );
    mkdirSync(join(dir, 'connectors/dev'), { recursive: true });
    const sink = (name: string, config: Record<string, string>) =>
      writeFileSync(
        join(dir, 'connectors/dev', `${name}.json`),
        JSON.stringify(
          {
            name,
            config: { 'connector.class': FILE_SINK, 'tasks.max': '1', file: '/tmp/kcops-online.txt', ...config },
          },
          null,
          2,
        ),
      );
    sink('payments-missing-plugin', { 'connector.class': 'com.example.NopeSinkConnector', topics: 'payments.orders' });
    sink('payments-remote-error', { topics: 'payments.orders', 'topics.regex': 'payments\\..*' });
    sink('payments-missing-topic', { topics: 'payments.kcops-does-not-exist' });
    sink('payments-missing-acl', { topics: '__consumer_offsets' });
    sink('payments-bad-secret', { topics: 'payments.orders', file: '${file:/nonexistent/kcops.properties:password}' });
  });

  it('reports missing plugin, cluster validation errors, missing topic, missing ACL and unresolvable references', async () => {
    const r = await validate({ paths: [], cwd: dir, online: onlineChecker({ env: process.env }) });
    const by = (file: string) => r.findings.filter((f) => f.file.endsWith(`${file}.json`)).map((f) => f.rule);
    expect(r.findings.map((f) => f.rule)).not.toContain('plugin/cluster-unreachable');
    expect(by('payments-missing-plugin')).toContain('plugin/not-installed');
    expect(by('payments-remote-error')).toContain('remote-validate/error');
    expect(by('payments-missing-topic')).toContain('topic/missing');
    expect(by('payments-missing-acl')).toContain('permission/missing-acl');
    expect(by('payments-bad-secret')).toContain('secret/unresolvable');
    expect(JSON.stringify(r.findings)).not.toMatch(/password=|connect=/);
  });
});
