/**
 * Avro records in the Confluent wire format, registered through the Schema Registry REST API as Confluent documents it
 * (POST /subjects/{subject}/versions with {"schema": "<the schema as a string>"} → {"id": n}); Apicurio serves the
 * same under /apis/ccompat/v7. The stand-in below answers exactly that, so the request shape is checked here until
 * the dev stack runs a registry.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import avsc from 'avsc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confluentFrame, parseConfluentFrame, registerSchema } from '../../../../src/dev/datagen/schema-registry.js';
import { displayBytes, errorHeaders } from '../../../../src/core/operate/dlq.js';

const orderAvsc = readFileSync(
  join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    '..',
    'examples',
    'kafka-connect-configs',
    'schemas',
    'avro',
    'order.avsc',
  ),
  'utf8',
);

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: { schema?: string; schemaType?: string };
}

describe('Schema Registry (Confluent REST API) and the wire format', () => {
  const seen: Seen[] = [];
  const subjects = new Map<string, string[]>();
  let base = '';
  const server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (d) => (data += d));
    req.on('end', () => {
      const body = JSON.parse(data || '{}') as Seen['body'];
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'], body });
      const m = /^\/apis\/ccompat\/v7\/subjects\/([^/]+)\/versions$/.exec(req.url!);
      res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
      if (req.method !== 'POST' || !m)
        return res.writeHead(404).end(JSON.stringify({ error_code: 404, message: 'not found' }));
      if (typeof body.schema !== 'string')
        return res.writeHead(422).end(JSON.stringify({ error_code: 42201, message: 'Invalid schema' }));
      const subject = decodeURIComponent(m[1]!);
      if (subject.startsWith('incompatible'))
        return res
          .writeHead(409)
          .end(JSON.stringify({ error_code: 409, message: 'Schema being registered is incompatible' }));
      const versions = subjects.get(subject) ?? [];
      if (!versions.includes(body.schema)) versions.push(body.schema);
      subjects.set(subject, versions);
      res.writeHead(200).end(JSON.stringify({ id: 100 + versions.indexOf(body.schema) }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('registers the schema as a JSON string under <topic>-value and returns its id (idempotent)', async () => {
    const canonical = JSON.stringify(avsc.Type.forSchema(JSON.parse(orderAvsc)).schema());
    expect(await registerSchema(base, 'payments.orders-value', canonical)).toBe(100);
    expect(await registerSchema(`${base}/`, 'payments.orders-value', canonical)).toBe(100);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/apis/ccompat/v7/subjects/payments.orders-value/versions',
      contentType: 'application/vnd.schemaregistry.v1+json',
    });
    expect(JSON.parse(seen[0]!.body.schema!)).toMatchObject({ type: 'record', name: 'example.payments.Order' });
  });

  it('says why the registry refused', async () => {
    await expect(registerSchema(base, 'incompatible-value', '"string"')).rejects.toMatchObject({
      code: 'SCHEMA_REGISTRY_REJECTED',
      hint: expect.stringMatching(/not compatible/),
    });
    await expect(registerSchema('http://127.0.0.1:1', 's', '"string"')).rejects.toMatchObject({
      code: 'SCHEMA_REGISTRY_UNREACHABLE',
    });
  });

  it('frames Avro as magic byte 0, a big-endian schema id, then the body a consumer decodes', () => {
    const type = avsc.Type.forSchema(JSON.parse(orderAvsc));
    const value = { id: 7, item: 'coffee', amount: '2.50' };
    const framed = confluentFrame(258, type.toBuffer(value));
    expect([...framed.subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    const parsed = parseConfluentFrame(framed)!;
    expect(parsed.schemaId).toBe(258);
    expect(type.fromBuffer(parsed.body)).toEqual(value);
    expect(parseConfluentFrame(Buffer.from('{"json":1}'))).toBeUndefined();
  });
});

describe('DLQ records for display', () => {
  it('keeps the __connect.errors.* headers, cuts the stack trace, masks credentials', () => {
    const h = new Map<string, Buffer>([
      ['__connect.errors.topic', Buffer.from('payments.in')],
      ['__connect.errors.exception.message', Buffer.from('Bad value password=hunter2secret for x')],
      [
        '__connect.errors.exception.stacktrace',
        Buffer.from(Array.from({ length: 40 }, (_, i) => `at line ${i}`).join('\n')),
      ],
      ['other', Buffer.from('x')],
    ]);
    const e = errorHeaders(h);
    expect(Object.keys(e).sort()).toEqual(['exception.message', 'exception.stacktrace', 'topic']);
    expect(e['exception.message']).not.toContain('hunter2secret');
    expect(e['exception.stacktrace']!.split('\n')).toHaveLength(6);
  });

  it('shows text as text and binary (an Avro frame) as hex', () => {
    expect(displayBytes(Buffer.from('{"a":1}'))).toBe('{"a":1}');
    expect(displayBytes(Buffer.from([0, 0, 0, 1, 2, 14]))).toBe('0x00000001020e');
    expect(displayBytes(undefined)).toBeNull();
  });
});
