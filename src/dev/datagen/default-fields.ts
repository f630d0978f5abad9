import type { Field } from './fields.js';

/** Without --schema, kafka and s3 datagen write orders shaped like the example's schemas/avro/order.avsc. */
export const DEFAULT_FIELDS: Field[] = [
  { name: 'id', kind: 'bigint', nullable: false, sequence: true },
  { name: 'item', kind: 'text', nullable: false },
  { name: 'amount', kind: 'decimal', nullable: false, precision: 10, scale: 2 },
  { name: 'created_at', kind: 'timestamp', nullable: false },
];
