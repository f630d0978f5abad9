import { UserError } from '../../errors.js';
import type { Unreachable } from '../http/policy.js';
import { describeTransportError, safeUrl } from '../http/transport.js';
import { connectorNotOwned, parseNotOwned } from '../not-owned.js';

/**
 * Turns what a Connect worker answered into errors a person can act on: which URL, which credential reference, what
 * to check next. `credentialRef` is where the password comes from (e.g. `${env:CONNECT_PASSWORD}`), never its value.
 */
export interface ErrorContext {
  url: string;
  method: string;
  path: string;
  credentialRef: string | undefined;
  username: string | undefined;
}

export function unreachable(e: Unreachable): UserError {
  const last = e.last;
  // Each URL with what happened to it: a reset is not a refusal, and a TLS failure needs another fix than a timeout.
  const what = e.failures.map((f) => `${safeUrl(f.base)} ${describeTransportError(f.error)}`).join('; ');
  const hint =
    last.kind === 'tls'
      ? 'Check the CA bundle (tls.ca) and, for mutual TLS, the client certificate and key configured for this environment.'
      : last.kind === 'reset'
        ? 'Something accepted the connection and dropped it: a worker that died or restarted, a proxy, or TLS expected on an http:// URL. Check the workers (`kcops dev status` for the dev stack) and the connect.urls scheme in kcops.yaml.'
        : last.kind === 'timeout'
          ? 'The worker is overloaded or a rebalance is stuck; check its log, or raise connect.timeout in kcops.yaml.'
          : `Check that the workers run and listen there (for the dev stack: \`kcops dev status\`), and the connect.urls of the environment in kcops.yaml.`;
  const delivered = e.maybeDelivered
    ? ' The request may have reached the worker before the connection broke, so it was not repeated: check the connector before running the command again.'
    : '';
  return new UserError('CONNECT_UNREACHABLE', `Kafka Connect: ${what}.${delivered}`, { hint, cause: e });
}

export function fromStatus(ctx: ErrorContext, status: number, body: unknown): UserError {
  const msg = serverMessage(body);
  const where = `${ctx.method} ${ctx.url}${ctx.path}`;
  switch (status) {
    case 401:
      return new UserError('CONNECT_UNAUTHORIZED', `Kafka Connect at ${ctx.url} rejected the credentials (401).`, {
        hint: ctx.username
          ? `Check user or API key id '${ctx.username}' and the password reference ${ctx.credentialRef ?? '(none)'} in kcops.yaml (connect.auth): the key may be unknown, revoked or rotated (\`kcops access keys list --all\`; docs/runbooks/auth-errors.md).`
          : 'The workers require an API key (HTTP Basic): add connect.auth { username, password: ${env:...} } to the environment in kcops.yaml.',
      });
    case 403: {
      // The access extension refusing a connector is the refusal kcops makes itself before calling: one code.
      const notOwned = parseNotOwned(msg);
      if (notOwned)
        return connectorNotOwned({ ...notOwned, credentialSource: ctx.credentialRef, decidedBy: 'cluster' });
      return new UserError('CONNECT_FORBIDDEN', `Kafka Connect at ${ctx.url} refused ${where} (403): ${msg}`, {
        hint: `User or API key '${ctx.username ?? '(anonymous)'}' is not allowed to do this: an admin-only endpoint (loggers, internal endpoints, a connector list it may not filter) (docs/runbooks/auth-errors.md); for topic resets, check the workers' topic tracking settings.`,
      });
    }
    case 404:
      return new UserError('CONNECT_NOT_FOUND', `Not found: ${where} (404): ${msg}`, {
        hint: `Check the connector name (\`kcops drift\` lists what exists) and that ${ctx.url} is a Kafka Connect REST endpoint.`,
      });
    case 409:
      return new UserError('CONNECT_CONFLICT', `Kafka Connect kept answering 409 to ${where}: ${msg}`, {
        hint: "A rebalance or a concurrent change did not settle within the retry budget; run the command again, and check the workers' logs if it persists.",
      });
    case 400:
    case 422:
      return new UserError('CONNECT_REJECTED', `Kafka Connect rejected ${where} (${status}): ${msg}`, {
        hint: 'Run `kcops validate --online` to see which keys the worker objects to.',
      });
    default:
      return new UserError('CONNECT_SERVER_ERROR', `Kafka Connect answered ${status} to ${where}: ${msg}`, {
        hint: 'The worker failed or timed out (its REST timeout is 90 s); check its log, e.g. `kcops dev logs worker-1`.',
      });
  }
}

export function serverMessage(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  if (typeof body === 'string' && body.length > 0) return body.slice(0, 500);
  return '(no message)';
}

export function isAlreadyExists(body: unknown): boolean {
  return /already exists/i.test(serverMessage(body));
}
