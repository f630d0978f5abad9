import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySigV4 } from './sigv4.js';

/** One version of a secret: its value (string or binary) and the staging labels on it. */
interface Version {
  id: string;
  string?: string;
  binary?: Buffer;
  stages: Set<string>;
  created: number;
}

interface Secret {
  name: string;
  arn: string;
  versions: Version[];
}

export interface SecretsManagerCall {
  target: string;
  request: Record<string, unknown>;
  status: number;
  response: Record<string, unknown>;
  accessKeyId?: string;
}

/**
 * A stand-in of AWS Secrets Manager for GetSecretValue and PutSecretValue; its behaviour is written down in SPEC.md
 * beside it, and the shapes it accepts and answers are checked against the published Smithy model
 * (smithy-model.json) by the tests.
 */
export class FakeSecretsManager {
  readonly region: string;
  readonly calls: SecretsManagerCall[] = [];
  /** Access key id → secret access key of the identities the stand-in knows. */
  readonly identities = new Map<string, string>();
  /** Secret name → access key ids refused GetSecretValue on it (AccessDeniedException, as an IAM deny). */
  readonly denied = new Map<string, Set<string>>();
  /** The next N requests answer ThrottlingException (the SDK retries it). */
  throttleNext = 0;
  private readonly secrets = new Map<string, Secret>();
  private server: Server | undefined;
  private account = '123456789012';

  constructor(o: { region?: string } = {}) {
    this.region = o.region ?? 'eu-west-1';
  }

  /** Creates (or adds a version to) a secret: the new version takes AWSCURRENT, the old one AWSPREVIOUS. */
  put(name: string, value: string | Buffer, stages: string[] = ['AWSCURRENT'], versionId?: string): string {
    let s = this.secrets.get(name);
    if (!s) {
      s = {
        name,
        arn: `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${name}-${randomUUID().slice(0, 6)}`,
        versions: [],
      };
      this.secrets.set(name, s);
    }
    const v: Version = { id: versionId ?? randomUUID(), stages: new Set(), created: Math.floor(Date.now() / 1000) };
    if (typeof value === 'string') v.string = value;
    else v.binary = value;
    for (const stage of stages) this.moveStage(s, stage, v);
    s.versions.push(v);
    return v.id;
  }

  getCalls(): SecretsManagerCall[] {
    return this.calls.filter((c) => c.target === 'GetSecretValue');
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
        const answer = (
          status: number,
          out: Record<string, unknown>,
          request: Record<string, unknown> = {},
          accessKeyId?: string,
        ) => {
          this.calls.push({ target: op, request, status, response: out, ...(accessKeyId ? { accessKeyId } : {}) });
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
          res.end(JSON.stringify(out));
        };
        const fail = (type: string, message: string, request?: Record<string, unknown>, akid?: string) =>
          answer(400, { __type: type, message }, request, akid);
        if (req.method !== 'POST' || (req.url ?? '/') !== '/') return fail('UnknownOperationException', 'POST / only');
        const [path, query = ''] = (req.url ?? '/').split('?');
        const sig = verifySigV4({
          method: req.method,
          path: path ?? '/',
          query,
          headers: req.headers,
          body,
          service: 'secretsmanager',
          region: this.region,
          secretFor: (k) => this.identities.get(k),
        });
        if (!sig.ok) return fail(sig.type, sig.message, looseJson(body));
        if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1'))
          return fail('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
        let request: Record<string, unknown>;
        try {
          const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          request = parsed as Record<string, unknown>;
        } catch {
          return fail('SerializationException', 'the body is not a JSON object');
        }
        if (this.throttleNext > 0) {
          this.throttleNext--;
          return fail('ThrottlingException', 'Rate exceeded', request, sig.accessKeyId);
        }
        if (op === 'GetSecretValue') return this.getSecretValue(request, sig.accessKeyId, answer, fail);
        if (op === 'PutSecretValue') return this.putSecretValue(request, sig.accessKeyId, answer, fail);
        return fail('UnknownOperationException', `unknown operation ${target}`, request, sig.accessKeyId);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  private find(id: string): Secret | undefined {
    return this.secrets.get(id) ?? [...this.secrets.values()].find((s) => s.arn === id);
  }

  private moveStage(s: Secret, stage: string, to: Version): void {
    for (const v of s.versions) {
      if (v.stages.delete(stage) && stage === 'AWSCURRENT') {
        for (const w of s.versions) w.stages.delete('AWSPREVIOUS');
        v.stages.add('AWSPREVIOUS');
      }
    }
    to.stages.add(stage);
  }

  private getSecretValue(
    q: Record<string, unknown>,
    akid: string,
    answer: (s: number, o: Record<string, unknown>, q: Record<string, unknown>, a?: string) => void,
    fail: (t: string, m: string, q?: Record<string, unknown>, a?: string) => void,
  ): void {
    const unknown = Object.keys(q).filter((k) => !['SecretId', 'VersionId', 'VersionStage'].includes(k));
    if (unknown.length > 0) return fail('SerializationException', `unknown members ${unknown.join(', ')}`, q, akid);
    if (typeof q.SecretId !== 'string' || q.SecretId.length < 1 || q.SecretId.length > 2048)
      return fail('InvalidParameterException', 'SecretId is required (1-2048 characters)', q, akid);
    const s = this.find(q.SecretId);
    // IAM is evaluated before existence: a denied caller learns nothing about whether the secret exists.
    if (this.denied.get(s?.name ?? q.SecretId)?.has(akid))
      return fail(
        'AccessDeniedException',
        `User: arn:aws:iam::${this.account}:user/${akid} is not authorized to perform: secretsmanager:GetSecretValue on resource: ${q.SecretId} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
        q,
        akid,
      );
    if (!s) return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", q, akid);
    const byId = typeof q.VersionId === 'string' ? s.versions.find((v) => v.id === q.VersionId) : undefined;
    const stage =
      typeof q.VersionStage === 'string' ? q.VersionStage : q.VersionId === undefined ? 'AWSCURRENT' : undefined;
    const byStage = stage ? s.versions.find((v) => v.stages.has(stage)) : undefined;
    const v = q.VersionId !== undefined ? byId : byStage;
    if (!v || (q.VersionId !== undefined && stage && !v.stages.has(stage)))
      return fail(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret value for staging label or version id.",
        q,
        akid,
      );
    answer(
      200,
      {
        ARN: s.arn,
        Name: s.name,
        VersionId: v.id,
        ...(v.string !== undefined ? { SecretString: v.string } : { SecretBinary: v.binary!.toString('base64') }),
        VersionStages: [...v.stages],
        CreatedDate: v.created,
      },
      q,
      akid,
    );
  }

  private putSecretValue(
    q: Record<string, unknown>,
    akid: string,
    answer: (s: number, o: Record<string, unknown>, q: Record<string, unknown>, a?: string) => void,
    fail: (t: string, m: string, q?: Record<string, unknown>, a?: string) => void,
  ): void {
    const known = ['SecretId', 'ClientRequestToken', 'SecretBinary', 'SecretString', 'VersionStages', 'RotationToken'];
    const unknown = Object.keys(q).filter((k) => !known.includes(k));
    if (unknown.length > 0) return fail('SerializationException', `unknown members ${unknown.join(', ')}`, q, akid);
    const s = typeof q.SecretId === 'string' ? this.find(q.SecretId) : undefined;
    if (!s) return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", q, akid);
    if ((q.SecretString === undefined) === (q.SecretBinary === undefined))
      return fail('InvalidParameterException', 'exactly one of SecretString and SecretBinary', q, akid);
    const stages = Array.isArray(q.VersionStages) ? q.VersionStages.map(String) : ['AWSCURRENT'];
    const id = this.put(
      s.name,
      typeof q.SecretString === 'string' ? q.SecretString : Buffer.from(String(q.SecretBinary), 'base64'),
      stages,
      typeof q.ClientRequestToken === 'string' ? q.ClientRequestToken : undefined,
    );
    answer(200, { ARN: s.arn, Name: s.name, VersionId: id, VersionStages: stages }, q, akid);
  }
}

/** The request as recorded for a refusal that comes before the body is read (authentication). */
function looseJson(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
