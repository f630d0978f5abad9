import { UserError, describeCause } from '../errors.js';
import { HttpTransport, type Method, type RawResponse } from '../connect/http/transport.js';

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
  private readonly transport = new HttpTransport({ timeoutMs: 30_000 });

  constructor(
    private readonly endpoint: string,
    private readonly bucket: string,
  ) {}

  private url(key = ''): string {
    return `${this.endpoint.replace(/\/+$/, '')}/${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private async call(
    what: string,
    url: string,
    method: Method = 'GET',
    raw?: { text: string; contentType: string },
  ): Promise<RawResponse> {
    let res: RawResponse;
    try {
      res = await this.transport.send({
        method,
        url: new URL(url),
        headers: { accept: '*/*' },
        ...(raw ? { raw } : {}),
      });
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
    if (res.status < 200 || res.status >= 300) {
      throw new UserError('DEV_S3_FAILED', `${what} failed on s3://${this.bucket}: HTTP ${res.status}.`, {
        hint: `The dev stack's bucket is ${this.bucket}; \`kcops dev logs s3\` shows the server's side.`,
      });
    }
    return res;
  }

  async put(key: string, body: string, contentType = 'application/x-ndjson'): Promise<void> {
    await this.call(`PUT ${key}`, this.url(key), 'PUT', { text: body, contentType });
  }

  async get(key: string): Promise<string> {
    return (await this.call(`GET ${key}`, this.url(key))).text;
  }

  async delete(key: string): Promise<void> {
    await this.call(`DELETE ${key}`, this.url(key), 'DELETE');
  }

  /** Every object under a prefix (ListObjectsV2, followed through continuation tokens). */
  async list(prefix: string): Promise<S3Object[]> {
    const out: S3Object[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': '1000' });
      if (token) q.set('continuation-token', token);
      const xml = (await this.call('LIST', `${this.url()}?${q}`)).text;
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
