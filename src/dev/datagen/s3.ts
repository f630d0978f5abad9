import type { Reporter } from '../../core/reporter.js';
import { DevS3 } from '../s3.js';
import { DEFAULT_FIELDS } from './default-fields.js';
import { generateRecord } from './fields.js';
import { Pacer, checkPace, type Pace } from './pace.js';
import { round } from './postgres.js';
import { Random } from './random.js';
import { fieldsFromSchemaFile } from './schemas.js';

export interface S3DatagenOptions extends Pace {
  endpoint: string;
  bucket: string;
  prefix: string;
  /** Records per object (JSON lines). */
  perObject: number;
  schemaFile?: string;
  seed: number;
  reporter: Reporter;
}

export interface S3DatagenResult {
  target: 's3';
  bucket: string;
  prefix: string;
  objects: number;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  seed: number;
}

/** Objects of JSON lines under a prefix, named by their first record's sequence number so runs sort in order. */
export async function datagenS3(o: S3DatagenOptions): Promise<S3DatagenResult> {
  checkPace(o);
  const fields = o.schemaFile ? fieldsFromSchemaFile(o.schemaFile).fields : DEFAULT_FIELDS;
  const s3 = new DevS3(o.endpoint, o.bucket);
  const random = new Random(o.seed);
  const pacer = new Pacer(o, Math.max(1, o.perObject));
  const step = o.reporter.step(`Writing objects to s3://${o.bucket}/${o.prefix}`);
  let objects = 0;
  for (let n = await pacer.next(); n > 0; n = await pacer.next()) {
    const now = Date.now();
    const first = pacer.total + 1;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify(generateRecord(fields, random, first + i, now)));
    await s3.put(`${o.prefix}${String(first).padStart(10, '0')}.jsonl`, lines.join('\n') + '\n');
    pacer.done(n);
    objects++;
    step.update(`${pacer.total} records, ${objects} objects`);
  }
  const seconds = pacer.elapsedMs() / 1000;
  step.done(`${pacer.total} records in ${objects} objects`);
  return {
    target: 's3',
    bucket: o.bucket,
    prefix: o.prefix,
    objects,
    records: pacer.total,
    seconds: round(seconds),
    recordsPerSecond: seconds > 0 ? Math.round(pacer.total / seconds) : pacer.total,
    seed: o.seed,
  };
}
