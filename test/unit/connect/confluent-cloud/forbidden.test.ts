import { describe, expect, it } from 'vitest';
import { fromCloudStatus, type CloudErrorContext } from '../../../../src/connect/confluent-cloud/errors.js';
import { UserError } from '../../../../src/errors.js';

const ctx = (method: string, path: string): CloudErrorContext => ({
  method,
  path,
  environmentId: 'env-1',
  kafkaClusterId: 'lkc-1',
  apiEndpoint: 'https://api.confluent.cloud',
  apiKeyId: 'KEY1',
  credentialRef: '${env:CCLOUD_API_SECRET}',
});
const body = { error: { code: 403, message: 'Forbidden Access' } };

describe("Cloud's 403 (issue #15 §2)", () => {
  it('about a connector is CONNECTOR_NOT_OWNED, decided by Cloud, with the role to ask for', () => {
    const cases: [string, string, string, string][] = [
      ['GET', '/connectors/payments-x/status', 'read the status of', 'DeveloperRead'],
      ['PUT', '/connectors/payments-x/pause', 'pause or resume', 'ConnectManager'],
      ['POST', '/connectors/payments-x/restart?include_tasks=true', 'restart', 'ConnectManager'],
      ['PUT', '/connectors/payments-x/config', 'change the configuration of', 'DeveloperWrite'],
      ['DELETE', '/connectors/payments-x', 'delete', 'ResourceOwner'],
      ['POST', '/connectors/payments-x/offsets/request', 'change the offsets of', 'ResourceOwner'],
    ];
    for (const [m, p, phrase, role] of cases) {
      const e = fromCloudStatus(ctx(m, p), 403, body) as UserError;
      expect(e.code, p).toBe('CONNECTOR_NOT_OWNED');
      expect(e.message).toBe(
        `Confluent Cloud refused it (403): API key KEY1 may not ${phrase} connector 'payments-x': Confluent Cloud answered 403.`,
      );
      expect(e.hint).toContain(
        `--role ${role} --environment env-1 --cloud-cluster lkc-1 --resource Connector:payments-x`,
      );
      expect(e.hint).toContain('Key from: ${env:CCLOUD_API_SECRET}.');
    }
  });

  it('about no one connector (the list, create, plugins) stays CCLOUD_FORBIDDEN', () => {
    for (const [m, p] of [
      ['GET', '/connectors?expand=status'],
      ['POST', '/connectors'],
      ['GET', '/connector-plugins'],
    ] as const)
      expect((fromCloudStatus(ctx(m, p), 403, body) as UserError).code, p).toBe('CCLOUD_FORBIDDEN');
  });
});
