import { UserError } from '../../errors.js';
import { Unreachable } from '../http/policy.js';
import { describeTransportError, safeUrl, TransportError } from '../http/transport.js';
import { connectorNotOwned } from '../not-owned.js';
import { accessOf, cloudVerbOf, ROLE_TO_ASK_FOR } from './connector-verbs.js';

/**
 * Confluent Cloud answers errors in three body shapes (research/ccloud.md §1): `{"error":{"code","message"}}`
 * (most 4xx in the Connect v1 document), `{"code","message"}` (create 400) and `{"error_code","message"}` (500s,
 * some 404s). All three become one message; the UserError says what to check next, naming the credential reference
 * and never its value.
 */
export interface CloudErrorContext {
  method: string;
  /** Path after the environment/cluster base, e.g. `/connectors/orders-s3/config`. */
  path: string;
  environmentId: string;
  kafkaClusterId: string;
  apiEndpoint: string;
  apiKeyId: string;
  credentialRef: string | undefined;
}

export function cloudMessage(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const nested = b.error;
    if (nested && typeof nested === 'object' && typeof (nested as Record<string, unknown>).message === 'string') {
      return (nested as { message: string }).message;
    }
    if (typeof nested === 'string' && nested) return nested;
    if (typeof b.message === 'string') return b.message;
    if (Array.isArray(b.errors)) {
      return b.errors
        .map((e) =>
          e && typeof e === 'object' ? String((e as { detail?: unknown }).detail ?? JSON.stringify(e)) : String(e),
        )
        .join('; ');
    }
  }
  if (typeof body === 'string' && body.length > 0) return body.slice(0, 500);
  return '(no message)';
}

export function isAlreadyExists(body: unknown): boolean {
  return /already exists/i.test(cloudMessage(body));
}

export function fromCloudStatus(ctx: CloudErrorContext, status: number, body: unknown): UserError {
  const msg = cloudMessage(body);
  const where = `${ctx.method} ${ctx.path}`;
  const scope = `environment ${ctx.environmentId}, cluster ${ctx.kafkaClusterId}`;
  const connector = /^\/connectors\/([^/]+)/.exec(ctx.path)?.[1];
  switch (status) {
    case 401:
      return new UserError(
        'CCLOUD_UNAUTHORIZED',
        `Confluent Cloud (${ctx.apiEndpoint}) rejected API key ${ctx.apiKeyId} (401): ${msg}`,
        {
          hint: `The Connect API needs a Cloud API key (not a Kafka cluster key). Check the key and the secret reference ${ctx.credentialRef ?? '(none)'} in cluster.credentials of kcops.yaml; \`confluent api-key list --resource cloud\` lists Cloud keys.`,
        },
      );
    case 403: {
      // A 403 about one connector is the refusal kcops makes itself before calling (core/auth/cloud-guard.ts): one code.
      if (connector) {
        const verb = cloudVerbOf(ctx.method, ctx.path.slice(`/connectors/${connector}`.length));
        return connectorNotOwned({
          connector: decodeURIComponent(connector),
          access: accessOf(verb),
          owner: undefined,
          keyId: ctx.apiKeyId,
          principal: undefined,
          credentialSource: ctx.credentialRef,
          decidedBy: 'cluster',
          cloud: {
            verb,
            role: ROLE_TO_ASK_FOR[verb],
            environmentId: ctx.environmentId,
            kafkaClusterId: ctx.kafkaClusterId,
          },
        });
      }
      return new UserError('CCLOUD_FORBIDDEN', `Confluent Cloud refused ${where} in ${scope} (403): ${msg}`, {
        hint: `The principal owning API key ${ctx.apiKeyId} needs ConnectManager (day-2) or ResourceOwner (create, update, delete) on connector=<prefix>* in ${ctx.kafkaClusterId}.`,
      });
    }
    case 404:
      // By the path, not the text: Cloud says "resource not found" for a mistyped connector name as for a wrong
      // environment or cluster id (research/ccloud.md), in the nested and in the flat `error_code` form.
      if (connector) {
        return new UserError(
          'CCLOUD_NOT_FOUND',
          `Connector ${decodeURIComponent(connector)} does not exist in ${scope} (404): ${msg}`,
          {
            hint: `Check the name (\`kcops connect list\` shows what exists); Confluent Cloud addresses connectors by name, not by lcc- id. If the list is empty too, check cluster.environmentId and cluster.kafkaClusterId in kcops.yaml.`,
          },
        );
      }
      return new UserError('CCLOUD_NOT_FOUND', `Confluent Cloud does not know ${scope} (404 on ${where}): ${msg}`, {
        hint: 'Check cluster.environmentId and cluster.kafkaClusterId in kcops.yaml (`confluent environment list`, `confluent kafka cluster list`).',
      });
    case 400:
    case 422:
      return new UserError('CCLOUD_REJECTED', `Confluent Cloud rejected ${where} (${status}): ${msg}`, {
        hint: 'Run `kcops validate --online` for this environment to see which keys the managed connector objects to.',
        details: msg
          .split('\n')
          .slice(1, 20)
          .filter((l) => l.trim()),
      });
    case 429:
      return new UserError(
        'CCLOUD_RATE_LIMITED',
        `Confluent Cloud kept rate-limiting ${where} (429) beyond the retry budget.`,
        {
          hint: 'Another tool may be using the same API key heavily; wait a minute and run the command again, or lower --concurrency.',
        },
      );
    default:
      if (/Failed to find any class/i.test(msg)) {
        // Cloud answers 500 for an unknown connector.class: the request is wrong, not the service.
        return new UserError('CCLOUD_REJECTED', `Confluent Cloud has no such connector plugin (${where}): ${msg}`, {
          hint: 'Check connector.class: managed connectors use plugin names such as PostgresSink or S3_SINK (`kcops connect plugins list` shows them).',
        });
      }
      return new UserError('CCLOUD_SERVER_ERROR', `Confluent Cloud answered ${status} to ${where}: ${msg}`, {
        hint: 'Check https://status.confluent.cloud; the request was retried within its budget. Run the command again later.',
      });
  }
}

export function unreachable(apiEndpoint: string, cause: unknown): UserError {
  const transport = cause instanceof Unreachable ? cause.last : cause instanceof TransportError ? cause : undefined;
  // The real cause (refused, reset, timeout, TLS, DNS), not one word for all of them.
  const what = transport
    ? describeTransportError(transport)
    : `could not be reached: ${cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause)}`;
  const delivered =
    cause instanceof Unreachable && cause.maybeDelivered
      ? ' The request may have reached Confluent Cloud before the connection broke, so it was not repeated: check the connector before running the command again.'
      : '';
  return new UserError('CCLOUD_UNREACHABLE', `Confluent Cloud at ${safeUrl(apiEndpoint)} ${what}.${delivered}`, {
    hint:
      transport?.kind === 'tls'
        ? 'A proxy that inspects TLS needs its CA trusted (NODE_EXTRA_CA_CERTS); check cluster.apiEndpoint in kcops.yaml.'
        : 'Check network access to the API endpoint (proxy, firewall) and cluster.apiEndpoint in kcops.yaml.',
    cause,
  });
}

/** Cloud has no STOPPED state for managed connectors. */
export function stopUnsupported(name: string): UserError {
  return new UserError(
    'CCLOUD_UNSUPPORTED',
    `Confluent Cloud connectors cannot be STOPPED (${name}); they can be paused.`,
    {
      hint: 'Use state: PAUSED for this environment; offsets can be altered on Cloud without stopping the connector.',
      exitCode: 2,
    },
  );
}

/** A create refused because the name is taken (400 or 409 with Cloud's "already exists"). */
export function alreadyExists(name: string, status: number, body: unknown): UserError | undefined {
  return (status === 400 || status === 409) && isAlreadyExists(body)
    ? new UserError('CONNECTOR_EXISTS', `Connector ${name} already exists.`, {
        hint: 'Someone created it since the plan was made; run `kcops plan` again.',
      })
    : undefined;
}
