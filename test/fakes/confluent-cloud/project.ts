import type { FakeConfluentCloud } from './server.js';

/**
 * The head of a kcops.yaml whose `prod` environment is the stand-in: the team `payments-`, and the Cloud API key as
 * `${kcops-env:CCLOUD_API_KEY}` / `${kcops-env:CCLOUD_API_SECRET}`. `prodLines` go under `prod:` (four-space indent),
 * e.g. its `kafka:` or `audit:` settings. Unless they set `wait:` themselves (six-space indent, under `cluster:`), the
 * cluster does not watch for flaps or late rejections (a test of those sets it): the stand-in answers at once, and
 * the CLI stories would otherwise each wait Cloud's real 60 s after every update.
 */
export function cloudProjectYaml(cloud: FakeConfluentCloud, prodLines: string[] = []): string {
  return [
    'project: shop',
    'secretProviders:',
    '  kcops-env: { type: env, resolvedBy: kcops }',
    'teams:',
    '  payments: { prefixes: [payments-], serviceAccounts: [sa-payments] }',
    'environments:',
    '  prod:',
    '    cluster:',
    '      type: confluent-cloud',
    `      environmentId: ${cloud.environmentId}`,
    `      kafkaClusterId: ${cloud.clusterId}`,
    `      apiEndpoint: '${cloud.url}'`,
    "      credentials: { apiKey: '${kcops-env:CCLOUD_API_KEY}', apiSecret: '${kcops-env:CCLOUD_API_SECRET}' }",
    ...(prodLines.some((l) => /^ {6}wait:/.test(l)) ? [] : ['      wait: { flapWindow: 0s, updateWatch: 0s }']),
    ...prodLines,
    '',
  ].join('\n');
}
