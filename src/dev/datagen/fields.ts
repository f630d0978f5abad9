import type { Random } from './random.js';

/**
 * One column or record field, whatever it was read from (a table's catalog, an Avro schema, a JSON schema): the kind
 * of value and the constraints a generated value must respect.
 */
export interface Field {
  name: string;
  kind: FieldKind;
  nullable: boolean;
  /** text: at most this many characters (varchar(n)). */
  maxLength?: number;
  /** decimal: numeric(precision, scale). */
  precision?: number;
  scale?: number;
  /** enum: the allowed symbols. */
  symbols?: string[];
  /** A unique key (primary key): generated as a sequence, never at random, so rows never collide. */
  sequence?: boolean;
}

export type FieldKind =
  | 'int'
  | 'bigint'
  | 'smallint'
  | 'decimal'
  | 'float'
  | 'text'
  | 'bool'
  | 'timestamp'
  | 'date'
  | 'uuid'
  | 'json'
  | 'enum';

const PRODUCTS = ['coffee', 'tea', 'cake', 'croissant', 'bagel', 'juice', 'muffin', 'sandwich', 'salad', 'soup'];
const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Edsger'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen'];
const CITIES = ['Lisbon', 'Berlin', 'Nairobi', 'Osaka', 'Lima', 'Oslo', 'Austin', 'Pune', 'Perth', 'Quebec'];
const STATUSES = ['NEW', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'];
const WORDS = ['alpha', 'bravo', 'delta', 'echo', 'lima', 'oscar', 'sierra', 'tango', 'victor', 'zulu'];

/** Produces a value for a field: plausible for its name (item, email, amount, status...), valid for its type. */
export function generateValue(f: Field, r: Random, index: number, now: number): unknown {
  if (f.nullable && !f.sequence && r.next() < 0.02) return null;
  const n = f.name.toLowerCase();
  switch (f.kind) {
    case 'int':
    case 'bigint':
    case 'smallint': {
      if (f.sequence) return index;
      const max = f.kind === 'smallint' ? 32_767 : /qty|quantity|count/.test(n) ? 20 : 100_000;
      return r.int(/qty|quantity|count/.test(n) ? 1 : 0, max);
    }
    case 'decimal': {
      const scale = f.scale ?? 2;
      const intDigits = Math.max(1, (f.precision ?? 10) - scale);
      const max = Math.min(10 ** Math.min(intDigits, 6) - 1, /amount|price|total|cost/.test(n) ? 500 : 10_000);
      const whole = r.int(0, max);
      const frac = scale > 0 ? String(r.int(0, 10 ** scale - 1)).padStart(scale, '0') : '';
      return scale > 0 ? `${whole}.${frac}` : String(whole);
    }
    case 'float':
      return Math.round(r.next() * 100_000) / 100;
    case 'bool':
      return r.next() < 0.5;
    case 'timestamp':
      // Near now, so end-to-end latencies computed from it mean something; a created_at is the moment of insert.
      return new Date(/created|inserted|event|^ts$|timestamp/.test(n) ? now : now - r.int(0, 86_400_000)).toISOString();
    case 'date':
      return new Date(now - r.int(0, 365) * 86_400_000).toISOString().slice(0, 10);
    case 'uuid':
      return uuid(r);
    case 'json':
      return JSON.stringify({ source: 'kcops-datagen', n: index, tag: r.pick(WORDS) });
    case 'enum':
      return r.pick(f.symbols?.length ? f.symbols : ['A']);
    case 'text':
      return clip(textFor(n, r, index, f), f.maxLength);
  }
}

function textFor(n: string, r: Random, index: number, f: Field): string {
  if (f.sequence) return `k${index}`;
  if (/email/.test(n))
    return `${r.pick(FIRST).toLowerCase()}.${r.pick(LAST).toLowerCase()}${r.int(1, 999)}@example.com`;
  if (/item|product|sku|article/.test(n)) return r.pick(PRODUCTS);
  if (/first.?name/.test(n)) return r.pick(FIRST);
  if (/last.?name|surname/.test(n)) return r.pick(LAST);
  if (/name|customer|user/.test(n)) return `${r.pick(FIRST)} ${r.pick(LAST)}`;
  if (/city|town/.test(n)) return r.pick(CITIES);
  if (/status|state/.test(n)) return r.pick(STATUSES);
  if (/currency/.test(n)) return r.pick(CURRENCIES);
  if (/country/.test(n)) return r.pick(['PT', 'DE', 'KE', 'JP', 'PE', 'NO', 'US', 'IN']);
  if (/amount|price|total|cost/.test(n)) return `${r.int(0, 500)}.${String(r.int(0, 99)).padStart(2, '0')}`;
  if (/phone/.test(n)) return `+1-555-${String(r.int(0, 9999)).padStart(4, '0')}`;
  return `${r.pick(WORDS)}-${r.int(0, 9999)}`;
}

function clip(s: string, max: number | undefined): string {
  return max !== undefined && s.length > max ? s.slice(0, max) : s;
}

function uuid(r: Random): string {
  const hex = Array.from({ length: 32 }, () => r.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = ((r.int(0, 15) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** A record of every field, in field order. `index` is the row's sequence number (1-based, after existing keys). */
export function generateRecord(fields: Field[], r: Random, index: number, now: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f.name] = generateValue(f, r, index, now);
  return out;
}
