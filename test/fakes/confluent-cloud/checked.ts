import { OpenApiContract, type Violation } from './openapi-contract.js';
import { FakeConfluentCloud, type FakeCloudOptions } from './server.js';

/**
 * The contracts the stand-in serves: Connect v1 (Confluent's document first, the hand-written supplement for restart
 * after it), Kafka REST v3 (topics and ACLs on the cluster's REST endpoint) the Metrics API v2 and IAM v2 (service accounts, users, API keys), role bindings (mds v2) and org v2 environments.
 */
export const CONNECT_SPECS = [
  'connect-v1.openapi.yaml',
  'connect-v1.supplement.openapi.yaml',
  'kafkarest-v3.openapi.yaml',
  'metrics-v2.openapi.yaml',
  'iam-v2.openapi.yaml',
  'apikeys-v2.openapi.yaml',
  'mds-v2.openapi.yaml',
  'org-v2.openapi.yaml',
];

let shared: OpenApiContract | undefined;
/** Compiled once per test file: loading and compiling the documents is the slow part. */
export function connectContract(): OpenApiContract {
  shared ??= new OpenApiContract(CONNECT_SPECS);
  return shared;
}

/**
 * The stand-in wrapped by the OpenAPI validator: every exchange it handles is checked, and `violations` collects what
 * did not follow the published contract (tests assert it stays empty).
 */
export async function startCheckedCloud(
  opts: FakeCloudOptions = {},
): Promise<{ cloud: FakeConfluentCloud; violations: Violation[] }> {
  const cloud = new FakeConfluentCloud(opts);
  const contract = connectContract();
  const violations: Violation[] = [];
  cloud.onExchange((x) => violations.push(...contract.check(x)));
  await cloud.start();
  return { cloud, violations };
}
