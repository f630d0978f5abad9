import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way the service does, written from the published
 * algorithm (canonical request → string to sign → HMAC chain of date/region/service/aws4_request), independently of
 * the SDK's signer, so a client that signs wrongly is refused here as AWS would refuse it.
 */
export type SigV4Result =
  | { ok: true; accessKeyId: string }
  | {
      ok: false;
      type: 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
      message: string;
    };

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export function verifySigV4(o: {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  service: string;
  region: string;
  secretFor: (accessKeyId: string) => string | undefined;
  now?: Date;
}): SigV4Result {
  const auth = String(o.headers.authorization ?? '');
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m)
    return {
      ok: false,
      type: 'IncompleteSignatureException',
      message: 'Authorization header is not a SigV4 signature',
    };
  const [, akid, day, region, service, signedList, signature] = m as unknown as string[];
  const secret = o.secretFor(akid!);
  if (secret === undefined)
    return {
      ok: false,
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  if (region !== o.region || service !== o.service)
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: `Credential should be scoped to ${o.region}/${o.service}`,
    };
  const amzDate = String(o.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || !amzDate.startsWith(day!))
    return { ok: false, type: 'IncompleteSignatureException', message: 'X-Amz-Date missing or not the credential day' };
  const at = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (Math.abs((o.now ?? new Date()).getTime() - at) > 15 * 60_000)
    return { ok: false, type: 'InvalidSignatureException', message: 'Signature expired (more than 15 minutes off)' };
  const signed = signedList!.split(';');
  if (!signed.includes('host') || !signed.includes('x-amz-date'))
    return { ok: false, type: 'IncompleteSignatureException', message: 'host and x-amz-date must be signed' };
  const canonicalHeaders = signed
    .map((h) => {
      const v = o.headers[h];
      const text = Array.isArray(v) ? v.join(',') : String(v ?? '');
      return `${h}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const payloadHash =
    typeof o.headers['x-amz-content-sha256'] === 'string' ? o.headers['x-amz-content-sha256'] : sha256(o.body);
  const canonicalQuery = o.query
    .split('&')
    .filter(Boolean)
    .map((p) =>
      p
        .split('=')
        .map((x) => encodeURIComponent(decodeURIComponent(x ?? '')))
        .join('='),
    )
    .sort()
    .join('&');
  const canonicalRequest = [o.method, o.path, canonicalQuery, canonicalHeaders, signedList, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (expected !== signature)
    return {
      ok: false,
      type: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  return { ok: true, accessKeyId: akid! };
}
