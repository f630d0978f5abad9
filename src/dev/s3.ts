import { UserError, describeCause } from '../errors.js';

/**
 * The few S3 calls the data-plane commands make on the dev stack's S3 server (path-style, unsigned: the dev server
 * accepts any request, and kcops ships no AWS signer outside its dev dependencies). Not for real S3.
 */
export interface S3Object {
  key: string;
  size: number;
  lastModified: number;
}

export class DevS3 {
  constructor(
    private readonly endpoint: string,
    private readonly bucket: string,
  ) {}

  private url(key = ''): string {
    return `${this.endpoint.replace(/\/+$/, '')}/${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async call(what: string, url: string, init: RequestInit = {}): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new UserError(
        'DEV_S3_UNREACHABLE',
        `Cannot reach the dev S3 server at ${this.endpoint}: ${describeCause(e)}`,
        {
          hint: 'Is the dev stack up? `kcops dev status`',
          cause: e,
        },
      );
    }
    if (!res.ok && res.status !== 204) {
      throw new UserError('DEV_S3_FAILED', `${what} failed on s3://${this.bucket}: HTTP ${res.status}.`, {
        hint: `The dev stack's bucket is ${this.bucket}; \`kcops dev logs s3\` shows the server's side.`,
      });
    }
    return res;
  }

  async put(key: string, body: string, contentType = 'application/x-ndjson'): Promise<void> {
    await this.call(`PUT ${key}`, this.url(key), { method: 'PUT', body, headers: { 'content-type': contentType } });
  }

  async get(key: string): Promise<string> {
    return (await this.call(`GET ${key}`, this.url(key))).text();
  }

  async delete(key: string): Promise<void> {
    await this.call(`DELETE ${key}`, this.url(key), { method: 'DELETE' });
  }

  /** Every object under a prefix (ListObjectsV2, followed through continuation tokens). */
  async list(prefix: string): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': '1000' });
      if (token) q.set('continuation-token', token);
      const xml = await (await this.call('LIST', `${this.url()}?${q}`)).text();
      for (const m of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const part = m[1]!;
        const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(part)?.[1] ?? '';
        out.push({
          key: unescapeXml(tag('Key')),
          size: Number(tag('Size')),
          lastModified: Date.parse(tag('LastModified')),
        });
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? unescapeXml(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '')
        : undefined;
      if (!token) return out;
    }
    return out;
  }
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
