import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { parse } from 'yaml';
import { SHARED_DIR } from '../../shared-dir.js';

/**
 * Checks HTTP exchanges against Confluent's published OpenAPI documents (../shared/specs/confluent-cloud/), so a test
 * that passes through the stand-in proves the client sent what the contract allows and understood what it may answer.
 * Schemas are compiled once per operation with ajv (OpenAPI 3.0 schema objects are a JSON Schema dialect: `nullable`
 * is an ajv keyword, `example`/`x-*` are ignored in non-strict mode).
 */

export const SPEC_DIR = join(SHARED_DIR, 'specs', 'confluent-cloud');

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

type Json = Record<string, unknown>;

interface Operation {
  doc: string;
  operationId: string;
  method: string;
  template: string;
  pathRegex: RegExp;
  pathParams: string[];
  /** `expand` for the spec's literal `/connectors?expand=info,status,id` path: chosen when that query param is sent. */
  requiredQueryKey: string | undefined;
  op: Json;
  /** Prefix stripped from request paths before matching (the server URL's path, e.g. `/kafka/v3`). */
  basePath: string;
}

export interface Exchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  status: number;
  responseHeaders: Record<string, string | number | string[] | undefined>;
  responseBody: unknown;
}

export interface Violation {
  operationId: string | undefined;
  exchange: string;
  problem: string;
}

export class OpenApiContract {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  private readonly operations: Operation[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  /** The documents by file name, for `$ref`s that are not schemas (e.g. `#/components/requestBodies/…`). */
  private readonly docs = new Map<string, Json>();

  /** `files` are names in SPEC_DIR; earlier files win when two declare the same method and path. */
  constructor(files: string[], dir = SPEC_DIR) {
    addFormats(this.ajv);
    for (const f of files) {
      const doc = parse(readFileSync(join(dir, f), 'utf8')) as Json;
      const id = basename(f);
      this.docs.set(id, doc);
      this.ajv.addSchema(rewriteRefs(doc, id) as Json, id);
      const servers = (doc.servers as { url: string }[] | undefined) ?? [];
      const basePath = servers[0] ? new URL(servers[0].url.replace(/\{[^}]+\}/g, 'x')).pathname.replace(/\/$/, '') : '';
      for (const [rawPath, item] of Object.entries((doc.paths as Json) ?? {})) {
        const [template, fixedQuery] = rawPath.split('?') as [string, string | undefined];
        const pathParams: string[] = [];
        const pattern = template.replace(/[.*+^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, n: string) => {
          pathParams.push(n);
          return '([^/]+)';
        });
        for (const [method, op] of Object.entries(item as Json)) {
          if (!['get', 'put', 'post', 'patch', 'delete'].includes(method)) continue;
          const o = op as Json;
          if (
            this.operations.some(
              (x) => x.method === method && x.template === template && x.requiredQueryKey === fixedQuery?.split('=')[0],
            )
          )
            continue;
          this.operations.push({
            doc: id,
            operationId: String(o.operationId),
            method,
            template,
            pathRegex: new RegExp(`^${pattern}$`),
            pathParams,
            requiredQueryKey: fixedQuery?.split('=')[0],
            op: o,
            basePath,
          });
        }
      }
    }
  }

  /** All problems with one exchange; empty when it follows the contract. */
  check(x: Exchange): Violation[] {
    const url = new URL(x.url, 'http://stand-in');
    const label = `${x.method} ${url.pathname}${url.search} → ${x.status}`;
    const op = this.find(x.method, url);
    const out: Violation[] = [];
    const add = (problem: string) => out.push({ operationId: op?.operationId, exchange: label, problem });
    if (!op) {
      add('no operation in the OpenAPI documents matches this method and path');
      return out;
    }
    this.checkRequest(op, url, x, add);
    this.checkResponse(op, x, add);
    return out;
  }

  operationIds(): string[] {
    return this.operations.map((o) => o.operationId);
  }

  private find(method: string, url: URL): Operation | undefined {
    const m = method.toLowerCase();
    const candidates = this.operations.filter(
      (o) => o.method === m && o.pathRegex.test(stripBase(url.pathname, o.basePath)),
    );
    // The literal `?expand=` path is the operation for requests that carry `expand`; the plain path for the rest.
    return (
      candidates.find((o) => o.requiredQueryKey !== undefined && url.searchParams.has(o.requiredQueryKey)) ??
      candidates.find((o) => o.requiredQueryKey === undefined)
    );
  }

  private checkRequest(op: Operation, url: URL, x: Exchange, add: (p: string) => void): void {
    const params = (op.op.parameters as Json[] | undefined) ?? [];
    for (const p of params) {
      if (p.in !== 'query') continue;
      const name = String(p.name);
      const values = url.searchParams
        .getAll(name)
        .flatMap((v) => (p.explode === false || op.requiredQueryKey === name ? v.split(',') : [v]));
      if (values.length === 0) {
        if (p.required === true) add(`required query parameter '${name}' is missing`);
        continue;
      }
      const schema = p.schema as Json | undefined;
      if (!schema) continue;
      const v = this.validator(`${op.doc}#${op.operationId}#q#${name}`, schema);
      for (const value of values) {
        const coerced =
          schema.type === 'integer' || schema.type === 'number'
            ? Number(value)
            : schema.type === 'boolean'
              ? value === 'true'
              : value;
        if (!v(coerced)) add(`query parameter '${name}'='${value}': ${this.ajv.errorsText(v.errors)}`);
      }
    }
    for (const name of url.searchParams.keys()) {
      if (!params.some((p) => p.in === 'query' && p.name === name)) add(`query parameter '${name}' is not declared`);
    }
    const security = (op.op.security as Json[] | undefined) ?? [];
    if (security.length > 0 && !x.requestHeaders.authorization)
      add('no Authorization header on an operation that requires one');
    const body = this.deref(op.doc, op.op.requestBody) as Json | undefined;
    const schema = jsonSchemaOf(body?.content);
    if (x.requestBody === undefined) {
      if (body?.required === true) add('request body is required');
      return;
    }
    if (!schema) {
      add('a request body was sent to an operation that declares none');
      return;
    }
    const v = this.validator(`${op.doc}#${op.operationId}#req`, schema);
    if (!v(x.requestBody)) add(`request body: ${this.ajv.errorsText(v.errors, { dataVar: 'body' })}`);
  }

  private checkResponse(op: Operation, x: Exchange, add: (p: string) => void): void {
    const responses = (op.op.responses as Json | undefined) ?? {};
    const r = (responses[String(x.status)] ?? responses[`${Math.floor(x.status / 100)}XX`] ?? responses.default) as
      Json | undefined;
    if (!r) {
      add(`status ${x.status} is not declared (declared: ${Object.keys(responses).join(', ')})`);
      return;
    }
    for (const [h, def] of Object.entries((r.headers as Json | undefined) ?? {})) {
      const value = x.responseHeaders[h.toLowerCase()];
      if (value === undefined) {
        if (h === 'Retry-After' && x.status === 429) add('429 without a Retry-After header');
        continue;
      }
      const hs = (def as Json).schema as Json | undefined;
      if (hs?.type === 'integer' && !/^\d+$/.test(String(value)))
        add(`header ${h}='${String(value)}' is not an integer`);
    }
    const schema = jsonSchemaOf(r.content);
    if (!schema) {
      if (x.responseBody !== undefined && x.responseBody !== '')
        add(`status ${x.status} declares no body but one was sent`);
      return;
    }
    const v = this.validator(`${op.doc}#${op.operationId}#${x.status}`, schema);
    if (!v(x.responseBody)) add(`response body: ${this.ajv.errorsText(v.errors, { dataVar: 'body' })}`);
  }

  /** Follows a local `$ref` (one level, as the documents use them for request bodies). */
  private deref(doc: string, node: unknown): unknown {
    const ref = (node as Json | undefined)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
    return ref
      .slice(2)
      .split('/')
      .reduce<unknown>((n, key) => (n as Json | undefined)?.[key], this.docs.get(doc));
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.compiled.get(key);
    if (!v) {
      const doc = key.split('#')[0]!;
      v = this.ajv.compile(rewriteRefs(schema, doc) as Json);
      this.compiled.set(key, v);
    }
    return v;
  }
}

function stripBase(path: string, base: string): string {
  return base && path.startsWith(base + '/') ? path.slice(base.length) : path;
}

function jsonSchemaOf(content: unknown): Json | undefined {
  const c = content as Record<string, { schema?: Json }> | undefined;
  return c?.['application/json']?.schema;
}

/**
 * Local `#/components/...` references become `<doc>#/components/...` so operation schemas compile on their own.
 * `nullable` without a `type` (Kafka REST's ProduceRequestData.data: any value) is dropped: it allows everything
 * anyway, and Ajv refuses to compile it.
 */
function rewriteRefs(node: unknown, doc: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, doc));
  if (node && typeof node === 'object') {
    const out: Json = {};
    const untypedNullable = 'nullable' in node && !('type' in node);
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === 'nullable' && untypedNullable) continue;
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${doc}${v}` : rewriteRefs(v, doc);
    }
    return out;
  }
  return node;
}
