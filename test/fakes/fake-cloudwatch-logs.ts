import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A CloudWatch Logs stand-in for FilterLogEvents, following the AWS JSON 1.1 protocol the SDK speaks: `POST /` with
 * `X-Amz-Target: Logs_20140328.FilterLogEvents` and `Content-Type: application/x-amz-json-1.1`, a SigV4
 * `Authorization` header (presence and credential scope checked, not the signature), errors as
 * `{"__type": "...", "message": "..."}` with status 400. Behaviour:
 * 1. Events live in memory per group and stream; `startTime` is inclusive, `endTime` exclusive (epoch ms),
 *    `logStreamNamePrefix` filters streams; results are ordered by timestamp.
 * 2. At most `pageSize` events per answer (the API returns up to 10,000 or 1 MB); `nextToken` continues.
 * 3. An unknown group is `ResourceNotFoundException`; a missing/unsigned Authorization is `UnrecognizedClientException`.
 * 4. `filterPattern` is supported only as a quoted literal term (substring match); anything else is rejected as
 *    `InvalidParameterException` so a client relying on more is noticed.
 */
export class FakeCloudWatchLogs {
  readonly groups = new Map<
    string,
    { stream: string; timestamp: number; message: string; ingestionTime: number; eventId: string }[]
  >();
  readonly calls: { target: string; body: Record<string, unknown> }[] = [];
  private server: Server | undefined;
  private seq = 0;
  constructor(readonly pageSize = 3) {}

  put(group: string, stream: string, timestamp: number, message: string): void {
    const list = this.groups.get(group) ?? [];
    list.push({ stream, timestamp, message, ingestionTime: Date.now(), eventId: String(++this.seq).padStart(20, '0') });
    this.groups.set(group, list);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (status: number, body: unknown, type?: string) => {
          res.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            ...(type ? { 'x-amzn-errortype': type } : {}),
            'x-amzn-requestid': 'fake-' + this.seq,
          });
          res.end(JSON.stringify(body));
        };
        const target = String(req.headers['x-amz-target'] ?? '');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        } catch {
          return reply(400, { __type: 'SerializationException', message: 'not JSON' }, 'SerializationException');
        }
        this.calls.push({ target, body });
        if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-amz-json-1.1')) {
          return reply(
            400,
            { __type: 'SerializationException', message: 'expected POST application/x-amz-json-1.1' },
            'SerializationException',
          );
        }
        if (
          !/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/logs\/aws4_request/.test(
            String(req.headers.authorization ?? ''),
          )
        ) {
          return reply(
            400,
            {
              __type: 'UnrecognizedClientException',
              message: 'The security token included in the request is invalid.',
            },
            'UnrecognizedClientException',
          );
        }
        if (target !== 'Logs_20140328.FilterLogEvents')
          return reply(400, { __type: 'UnknownOperationException', message: target }, 'UnknownOperationException');
        const events = this.groups.get(String(body.logGroupName));
        if (!events)
          return reply(
            400,
            { __type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' },
            'ResourceNotFoundException',
          );
        let term: string | undefined;
        if (body.filterPattern !== undefined && body.filterPattern !== '') {
          const m = /^"([^"]*)"$/.exec(String(body.filterPattern));
          if (!m)
            return reply(
              400,
              { __type: 'InvalidParameterException', message: 'filterPattern not supported by the stand-in' },
              'InvalidParameterException',
            );
          term = m[1];
        }
        const start = typeof body.startTime === 'number' ? body.startTime : -Infinity;
        const end = typeof body.endTime === 'number' ? body.endTime : Infinity;
        const prefix = typeof body.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : '';
        const all = events
          .filter(
            (e) =>
              e.timestamp >= start &&
              e.timestamp < end &&
              e.stream.startsWith(prefix) &&
              (term === undefined || e.message.includes(term)),
          )
          .sort((a, b) => a.timestamp - b.timestamp || a.eventId.localeCompare(b.eventId));
        const from =
          typeof body.nextToken === 'string' ? Number(Buffer.from(body.nextToken, 'base64').toString('utf8')) : 0;
        const size = Math.min(this.pageSize, typeof body.limit === 'number' ? body.limit : 10_000);
        const page = all.slice(from, from + size);
        const more = from + size < all.length;
        reply(200, {
          events: page.map((e) => ({
            logStreamName: e.stream,
            timestamp: e.timestamp,
            message: e.message,
            ingestionTime: e.ingestionTime,
            eventId: e.eventId,
          })),
          searchedLogStreams: [...new Set(all.map((e) => e.stream))].map((s) => ({
            logStreamName: s,
            searchedCompletely: true,
          })),
          ...(more ? { nextToken: Buffer.from(String(from + size)).toString('base64') } : {}),
        });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
