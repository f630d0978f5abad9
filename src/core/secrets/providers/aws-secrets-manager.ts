import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { UserError } from '../../../errors.js';
import type { SecretRef } from '../reference.js';
import { extractKey, secretFailure, splitVersion, type SecretStore } from './store.js';

/** The declaration of an `aws-secrets-manager` provider in kcops.yaml, as this code needs it. */
export interface AwsSecretsManagerSettings {
  region: string;
  endpoint?: string | undefined;
  profile?: string | undefined;
  roleArn?: string | undefined;
}

/**
 * AWS Secrets Manager through the AWS SDK v3 client: the default credential chain (environment, profile, SSO, web
 * identity, container and instance roles), the SDK's own retries (throttling included), region and endpoint from
 * kcops.yaml. One GetSecretValue per secret and version stage; keys are picked from the JSON afterwards.
 *
 * Reference forms: `${p:NAME:key}` (a key of a JSON secret), `${p:NAME#STAGE:key}` (a version stage such as
 * AWSPREVIOUS, or a version id), `${p:NAME}` (a plain-text secret, whole). `#` cannot occur in a secret name.
 */
export class AwsSecretsManagerStore implements SecretStore {
  private readonly client: SecretsManagerClient;

  constructor(
    private readonly name: string,
    settings: AwsSecretsManagerSettings,
    env: NodeJS.ProcessEnv,
  ) {
    if (settings.roleArn) {
      throw new UserError(
        'SECRET_PROVIDER_INVALID',
        `Secret provider '${name}' sets roleArn, which kcops does not assume itself.`,
        {
          hint: 'Give the role through the credential chain: a profile with role_arn (profile: in kcops.yaml or AWS_PROFILE), or AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE in CI; then remove roleArn.',
        },
      );
    }
    const config: SecretsManagerClientConfig = { region: settings.region };
    if (settings.endpoint) config.endpoint = settings.endpoint;
    // A named profile is read through the chain (it honours AWS_PROFILE the same way); env is the process's.
    if (settings.profile && env.AWS_PROFILE !== settings.profile) config.profile = settings.profile;
    this.client = new SecretsManagerClient(config);
  }

  /** What one request fetches: the secret and its version; keys are picked from it afterwards. */
  cacheKey(ref: SecretRef): string {
    return ref.path ?? ref.key;
  }

  fetch(ref: SecretRef): Promise<string> {
    const { id, version } = splitVersion(this.cacheKey(ref));
    return this.get(ref, id, version);
  }

  pick(ref: SecretRef, fetched: unknown): string {
    const text = String(fetched);
    return ref.path === undefined ? text : extractKey(ref, this.describe(), text, ref.key);
  }

  private async get(ref: SecretRef, id: string, version: string | undefined): Promise<string> {
    // A version stage is a name (AWSCURRENT, AWSPREVIOUS, a custom label); a version id is a UUID.
    const isId =
      version !== undefined && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(version);
    const cmd = new GetSecretValueCommand({
      SecretId: id,
      ...(version === undefined ? {} : isId ? { VersionId: version } : { VersionStage: version }),
    });
    let out;
    try {
      out = await this.client.send(cmd);
    } catch (e) {
      throw this.failure(ref, id, version, e);
    }
    if (typeof out.SecretString === 'string') return out.SecretString;
    if (out.SecretBinary) return Buffer.from(out.SecretBinary).toString('utf8');
    throw secretFailure(ref, this.describe(), 'SECRET_UNRESOLVED', 'the secret has no value', 'Put a value in it.');
  }

  private describe(): string {
    return `aws-secrets-manager provider '${this.name}'`;
  }

  /** AWS's answer in words that say what to check, never with the value (there is none in an error). */
  private failure(ref: SecretRef, id: string, version: string | undefined, e: unknown): UserError {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const name = err.name ?? 'Error';
    const where = this.describe();
    const at = version ? `secret '${id}' (version ${version})` : `secret '${id}'`;
    switch (name) {
      case 'ResourceNotFoundException':
        return secretFailure(
          ref,
          where,
          'SECRET_NOT_FOUND',
          `${at} does not exist in this region`,
          'Check the secret name, the region of the provider in kcops.yaml, and the version stage (AWSCURRENT unless the reference gives one).',
        );
      case 'AccessDeniedException':
      case 'UnrecognizedClientException':
      case 'InvalidSignatureException':
      case 'ExpiredTokenException':
        return secretFailure(
          ref,
          where,
          'SECRET_ACCESS_DENIED',
          `AWS refused ${at} (${name})`,
          name === 'AccessDeniedException'
            ? `The identity kcops runs as needs secretsmanager:GetSecretValue on the secret's ARN (and kms:Decrypt on its key when it uses a customer-managed KMS key). \`aws sts get-caller-identity\` shows which identity that is.`
            : 'The credentials of the chain were not accepted: check AWS_PROFILE / the SSO session (`aws sso login`) / the CI role, and the clock.',
        );
      case 'DecryptionFailure':
        return secretFailure(
          ref,
          where,
          'SECRET_ACCESS_DENIED',
          `${at} cannot be decrypted with its KMS key`,
          'The identity needs kms:Decrypt on the KMS key of the secret.',
        );
      case 'CredentialsProviderError':
        return secretFailure(
          ref,
          where,
          'SECRET_ACCESS_DENIED',
          'no AWS credentials were found by the default chain',
          'Set AWS_PROFILE (or profile: in kcops.yaml), run `aws sso login`, or give the CI job a role (web identity).',
        );
      default: {
        const status = err.$metadata?.httpStatusCode;
        return secretFailure(
          ref,
          where,
          'SECRET_STORE_UNREACHABLE',
          `reading ${at} failed (${name}${status ? `, HTTP ${status}` : ''}): ${err.message ?? ''}`.trim(),
          'Check the region and the endpoint (VPC endpoint, proxy) of the provider; the SDK already retried throttling and server errors.',
        );
      }
    }
  }

  close(): void {
    this.client.destroy();
  }
}
