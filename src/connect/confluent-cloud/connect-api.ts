import type { z } from 'zod';
import { basicAuthHeader } from '../http.js';
import { DEFAULT_RATE_LIMIT, DEFAULT_SERVER_RETRY, exchange, sleep, Unreachable, type Call } from '../http/policy.js';
import { isServiceNotFound, lenientBody, parseBody } from '../http/response.js';
import { HttpTransport, type Method, type RawResponse } from '../http/transport.js';
import { fromCloudStatus, unreachable, type CloudErrorContext } from './errors.js';
import type { ConfluentCloudOptions } from './options.js';

/**
 * The requests of one Cloud API key to one cluster's Connect v1 API
 * (`/connect/v1/environments/{env}/clusters/{lkc}/...`) and to the API root (IAM, org): the shared request policy,
 * basic auth, answers checked against their schema, Cloud's errors mapped to UserErrors.
 */
export class CloudConnectApi {
  /** HTTP requests sent, retries included. */
  requestCount = 0;
  /** Every wait this client made for a 429, in ms (tests and progress messages). */
  readonly rateLimitWaits: number[] = [];
  readonly wait: (ms: number) => Promise<void>;

  private readonly base: string;
  private readonly root: string;
  private readonly transport: HttpTransport;

  constructor(private readonly opts: ConfluentCloudOptions) {
    this.root = opts.apiEndpoint.replace(/\/+$/, '');
    this.transport = new HttpTransport({ timeoutMs: opts.timeoutMs });
    this.base = `${this.root}/connect/v1/environments/${encodeURIComponent(opts.environmentId)}/clusters/${encodeURIComponent(opts.kafkaClusterId)}`;
    this.wait = opts.sleep ?? sleep;
  }

  /** A call whose answer kcops reads: the body must have the endpoint's shape (schemas.ts). */
  async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o?: { body?: unknown; allow404?: false },
  ): Promise<z.infer<S>>;
  async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; allow404: true },
  ): Promise<z.infer<S> | undefined>;
  async read<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    o: { body?: unknown; allow404?: boolean } = {},
  ): Promise<z.infer<S> | undefined> {
    const { res } = await this.send({ method, path, ...(o.body === undefined ? {} : { body: o.body }) });
    if (o.allow404 && isServiceNotFound(res)) return undefined;
    this.check(res, method, path);
    return parseBody(res, schema, { method, url: this.base + path, service: 'Confluent Cloud' });
  }

  /** A call whose answer is only its status. */
  async act(call: Call, o: { allow404?: boolean } = {}): Promise<void> {
    const { res } = await this.send(call);
    if (o.allow404 && isServiceNotFound(res)) return;
    this.check(res, call.method, call.path);
  }

  /** GET on the API endpoint outside the Connect base path (IAM, org), with the same key and error mapping. */
  async rootGet<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const { res } = await this.send({ method: 'GET', path }, this.root);
    if (res.status !== 200)
      throw fromCloudStatus(this.context('GET', path.split('?')[0]!), res.status, lenientBody(res));
    return parseBody(res, schema, { method: 'GET', url: this.root + path, service: 'Confluent Cloud' });
  }

  /** The status of a GET on the API root, whatever it is (existence checks). */
  async rootStatus(path: string): Promise<RawResponse> {
    return (await this.send({ method: 'GET', path }, this.root)).res;
  }

  check(res: RawResponse, method: Method, path: string): void {
    if (res.status >= 200 && res.status < 300) return;
    throw fromCloudStatus(this.context(method, path), res.status, lenientBody(res));
  }

  /**
   * One logical request through the shared policy (http/policy.ts): 429 waits the Retry-After the server asks for
   * (bounded attempts and a ceiling on the wait); calls safe to repeat also retry 5xx and network failures.
   */
  async send(call: Call, base = this.base): Promise<{ res: RawResponse }> {
    try {
      return await exchange(
        {
          transport: this.transport,
          bases: [base],
          policy: {
            server: this.opts.serverRetry ?? DEFAULT_SERVER_RETRY,
            rateLimit: this.opts.rateLimit ?? DEFAULT_RATE_LIMIT,
          },
          wait: this.wait,
          onAttempt: () => this.requestCount++,
          onRateLimit: (ms, attempt) => {
            this.rateLimitWaits.push(ms);
            this.opts.reporter?.debug(
              `Confluent Cloud rate limit on ${call.method} ${call.path}: waiting ${ms} ms (retry ${attempt} of ${(this.opts.rateLimit ?? DEFAULT_RATE_LIMIT).attempts - 1})`,
            );
          },
        },
        {
          ...call,
          headers: { authorization: basicAuthHeader({ username: this.opts.apiKey, password: this.opts.apiSecret }) },
        },
      );
    } catch (e) {
      if (e instanceof Unreachable) throw unreachable(this.opts.apiEndpoint, e);
      throw e;
    }
  }

  context(method: string, path: string): CloudErrorContext {
    return {
      method,
      path,
      environmentId: this.opts.environmentId,
      kafkaClusterId: this.opts.kafkaClusterId,
      apiEndpoint: this.opts.apiEndpoint,
      apiKeyId: this.opts.apiKey,
      credentialRef: this.opts.credentialRef,
    };
  }

  close(): void {
    this.transport.close();
  }
}
