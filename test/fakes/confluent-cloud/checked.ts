import { OpenApiContract, type Violation } from './openapi-contract.js';
import { FakeConfluentCloud, type FakeCloudOptions } from './server.js';

/** The Connect v1 contract: Confluent's document first, the hand-written supplement (restart) after it. */
export const CONNECT_SPECS = ['connect-v1.openapi.yaml', 'connect-v1.supplement.openapi.yaml'];

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
export async function startCheckedCloud(opts: FakeCloudOptions = {}): Promise<{ cloud: FakeConfluentCloud; violations: Violation[] }> {
  const cloud = new FakeConfluentCloud(opts);
  const contract = connectContract();
  const violations: Violation[] = [];
  cloud.onExchange((x) => violations.push(...contract.check(x)));
  await cloud.start();
  return { cloud, violations };
}
