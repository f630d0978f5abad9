import { UserError, describeCause } from '../../errors.js';

/**
 * The part of the Confluent Schema Registry REST API datagen needs (Apicurio serves the same under /apis/ccompat/v7):
 * register a schema under a subject and get its global id. The id goes into every record (the wire format below).
 */
export async function registerSchema(
  baseUrl: string,
  subject: string,
  schema: string,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const url = `${baseUrl.replace(/\/+$/, '')}/subjects/${encodeURIComponent(subject)}/versions`;
  let res: Response;
  try {
    res = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.schemaregistry.v1+json',
        accept: 'application/vnd.schemaregistry.v1+json',
      },
      body: JSON.stringify({ schemaType: 'AVRO', schema }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (e) {
    throw new UserError(
      'SCHEMA_REGISTRY_UNREACHABLE',
      `Cannot reach the Schema Registry at ${baseUrl}: ${describeCause(e)}`,
      {
        hint: 'Pass --schema-registry-url (a Confluent-compatible API: Apicurio serves it under /apis/ccompat/v7).',
        cause: e,
      },
    );
  }
  const text = await res.text();
  let body: { id?: unknown; message?: unknown; error_code?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: reported below with the status
  }
  if (res.status === 200 && typeof body.id === 'number') return body.id;
  throw new UserError(
    'SCHEMA_REGISTRY_REJECTED',
    `The Schema Registry refused subject ${subject} (HTTP ${res.status}${typeof body.message === 'string' ? `: ${body.message}` : ''}).`,
    {
      hint:
        res.status === 409
          ? "The schema is not compatible with the subject's latest version: change it compatibly or use another topic."
          : 'Check the URL (it must be the Confluent-compatible API root) and the schema.',
    },
  );
}

/** Confluent's wire format: magic byte 0, the schema id as a big-endian int32, then the Avro binary body. */
export function confluentFrame(schemaId: number, avro: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, avro]);
}

export function parseConfluentFrame(b: Buffer): { schemaId: number; body: Buffer } | undefined {
  if (b.length < 5 || b.readUInt8(0) !== 0) return undefined;
  return { schemaId: b.readInt32BE(1), body: b.subarray(5) };
}
