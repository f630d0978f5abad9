import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeSecretsManager } from '../../../fakes/aws-secrets-manager/server.js';
import { checkError, checkInput, checkOutput, serviceTraits } from '../../../fakes/aws-secrets-manager/model.js';
import { SecretResolver } from '../../../../src/core/secrets/run-resolver.js';
import type { SecretProvider } from '../../../../src/core/project/schema.js';
import { UserError } from '../../../../src/errors.js';

// The resolver is driven through the real AWS SDK v3 client (default credential chain: the environment variables
// here), against a stand-in that verifies SigV4 and whose every exchange is checked against the Smithy model.
const AKID = 'AKIAKCOPSTEST0000001';
const SECRET_KEY = 'kcops-test-secret-access-key/0123456789';
const OTHER = 'AKIAKCOPSTEST0000002';

let sm: FakeSecretsManager;
let endpoint: string;
const saved: Record<string, string | undefined> = {};

function providers(): Record<string, SecretProvider> {
  return { aws: { type: 'aws-secrets-manager', resolvedBy: 'kcops', region: 'eu-west-1', endpoint } };
}

function resolver(akid = AKID, secret = SECRET_KEY): SecretResolver {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: akid, AWS_SECRET_ACCESS_KEY: secret };
  // The SDK's default chain reads process.env: set it for the run (restored after each test).
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: akid, AWS_SECRET_ACCESS_KEY: secret });
  return new SecretResolver({ providers: providers(), env });
}

beforeAll(async () => {
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION']) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  sm = new FakeSecretsManager({ region: 'eu-west-1' });
  sm.identities.set(AKID, SECRET_KEY);
  sm.identities.set(OTHER, 'another-secret-access-key');
  endpoint = await sm.start();
});
afterAll(async () => {
  await sm.stop();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});
beforeEach(() => {
  sm.calls.length = 0;
});
afterEach(() => {
  // Every exchange has the shape the published model gives the operation.
  for (const c of sm.calls) {
    if (!c.target) continue;
    expect(checkInput(c.target, c.request), `${c.target} request`).toEqual([]);
    expect(c.status === 200 ? checkOutput(c.target, c.response) : checkError(c.target, c.response)).toEqual([]);
  }
});

describe('aws-secrets-manager provider (real SDK v3 client, stand-in checked against the Smithy model)', () => {
  it('the stand-in speaks the protocol and signing name of the model', () => {
    expect(serviceTraits()).toEqual({
      protocol: ['aws.protocols#awsJson1_1'],
      signingName: 'secretsmanager',
      targetPrefix: 'secretsmanager',
    });
  });

  it('resolves JSON keys and a plain-text secret; one request per secret however many references share it', async () => {
    sm.put('prod/payments/db', JSON.stringify({ username: 'payments', password: 'pg-Pa55-CURRENT', port: 5432 }));
    sm.put('prod/api-token', 'plain-token-value');
    const r = resolver();
    const values = await Promise.all([
      r.resolve('${aws:prod/payments/db:password}'),
      r.resolve('${aws:prod/payments/db:username}'),
      r.resolveValue('jdbc:postgresql://db:${aws:prod/payments/db:port}/payments'),
      r.resolve('${aws:prod/api-token}'),
      ...Array.from({ length: 20 }, () => r.resolve('${aws:prod/payments/db:password}')),
    ]);
    expect(values.slice(0, 4)).toEqual([
      'pg-Pa55-CURRENT',
      'payments',
      'jdbc:postgresql://db:5432/payments',
      'plain-token-value',
    ]);
    expect(
      sm
        .getCalls()
        .map((c) => c.request.SecretId)
        .sort(),
    ).toEqual(['prod/api-token', 'prod/payments/db']);
    expect(sm.getCalls().every((c) => c.accessKeyId === AKID)).toBe(true);
    r.close();
  });

  it('version stages and version ids; rotation is picked up by the next run, not the current one', async () => {
    sm.put('prod/rotating', JSON.stringify({ password: 'first' }));
    const c = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint,
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET_KEY },
    });
    const run1 = resolver();
    expect(await run1.resolve('${aws:prod/rotating:password}')).toBe('first');
    const rotated = await c.send(
      new PutSecretValueCommand({ SecretId: 'prod/rotating', SecretString: JSON.stringify({ password: 'second' }) }),
    );
    expect(await run1.resolve('${aws:prod/rotating:password}')).toBe('first'); // same run: the cached answer
    const run2 = resolver();
    expect(await run2.resolve('${aws:prod/rotating:password}')).toBe('second');
    expect(await run2.resolve('${aws:prod/rotating#AWSPREVIOUS:password}')).toBe('first');
    expect(await run2.resolve(`\${aws:prod/rotating#${rotated.VersionId}:password}`)).toBe('second');
    const stages = sm.getCalls().map((c) => c.request.VersionStage ?? c.request.VersionId ?? 'default');
    expect(stages).toEqual(['default', 'default', 'AWSPREVIOUS', rotated.VersionId]);
    run1.close();
    run2.close();
    c.destroy();
  });

  it('throttling is retried by the SDK and the value still resolves', async () => {
    sm.put('prod/busy', JSON.stringify({ k: 'v-after-throttle' }));
    sm.throttleNext = 2;
    const r = resolver();
    expect(await r.resolve('${aws:prod/busy:k}')).toBe('v-after-throttle');
    expect(sm.getCalls().map((c) => c.status)).toEqual([400, 400, 200]);
    r.close();
  });

  async function failure(p: Promise<unknown>): Promise<UserError> {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }

  it('a missing secret, a missing key, access denied and bad credentials are UserErrors naming the reference and what to check', async () => {
    sm.put('prod/locked', JSON.stringify({ password: 'locked-CANARY-value' }));
    sm.denied.set('prod/locked', new Set([AKID]));
    const r = resolver();
    const missing = await failure(r.resolve('${aws:prod/nothing:password}'));
    expect(missing.code).toBe('SECRET_NOT_FOUND');
    expect(missing.message).toContain('${aws:prod/nothing:password}');
    expect(missing.hint).toMatch(/region/);

    const denied = await failure(r.resolve('${aws:prod/locked:password}'));
    expect(denied.code).toBe('SECRET_ACCESS_DENIED');
    expect(denied.message).toContain("aws-secrets-manager provider 'aws'");
    expect(denied.hint).toContain('secretsmanager:GetSecretValue');

    sm.put('prod/shape', JSON.stringify({ user: 'u', password: 'shape-CANARY-value' }));
    const key = await failure(r.resolve('${aws:prod/shape:pasword}'));
    expect(key.code).toBe('SECRET_UNRESOLVED');
    expect(key.message).toContain('its keys: user, password');
    r.close();

    const bad = resolver(AKID, 'wrong-secret-access-key');
    const sig = await failure(bad.resolve('${aws:prod/shape:user}'));
    expect(sig.code).toBe('SECRET_ACCESS_DENIED');
    expect(sig.message).toContain('InvalidSignatureException');
    bad.close();
    for (const e of [missing, denied, key, sig]) {
      expect(`${e.message} ${e.hint}`).not.toMatch(/CANARY/);
    }
  });
});
