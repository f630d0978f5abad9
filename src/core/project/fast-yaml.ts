import { createRequire } from 'node:module';

/**
 * A fast read of a YAML document with no source positions, for the common case of a valid kcops.yaml.
 *
 * The yaml package builds a full Document (every node with its range, for located findings): for a 7 MB kcops.yaml
 * with thousands of environments that is seconds of CPU, most of it allocation. js-yaml reads the same file to plain
 * values about ten times faster. kcops reads with js-yaml first and keeps the yaml Document for what needs places:
 * any problem at all (a YAML error, a duplicate key, an alias, a schema issue) and any finding that asks where a path
 * is. So a valid file costs one fast read, and an invalid one is reported exactly as before.
 *
 * The two must agree on every value they both accept: js-yaml is given the YAML 1.2 core schema as the yaml package
 * defines it (not js-yaml's own, which also reads `1_000`, `0b101`, timestamps and `<<` merges), and anything whose
 * meaning the two could read differently (tags, anchors and aliases, directives) is left to the yaml package.
 */

/** The part of js-yaml 4 used here (the package ships no types, and @types/js-yaml is not needed for four names). */
interface JsYaml {
  load(text: string, opts: { schema: unknown; json?: boolean }): unknown;
  Type: new (
    tag: string,
    opts: { kind: 'scalar'; resolve(data: string | null): boolean; construct(data: string | null): unknown },
  ) => unknown;
  FAILSAFE_SCHEMA: { extend(types: { implicit: unknown[] }): unknown };
}

let schema: unknown;
let lib: JsYaml | undefined;

function coreSchema(): { lib: JsYaml; schema: unknown } {
  lib ??= createRequire(import.meta.url)('js-yaml') as JsYaml;
  const y = lib;
  // The regular expressions of the yaml package's core schema (yaml/dist/schema/core/*.js), in the same order.
  const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
    new y.Type(`tag:yaml.org,2002:${tag}`, {
      kind: 'scalar',
      resolve: (s) => test.test(s ?? ''),
      construct: (s) => construct(s ?? ''),
    });
  schema ??= y.FAILSAFE_SCHEMA.extend({
    implicit: [
      scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
      scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
      scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) =>
        s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s),
      ),
      scalar(
        'float',
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
        (s) =>
          /nan$/i.test(s)
            ? NaN
            : /inf$/i.test(s)
              ? s[0] === '-'
                ? Number.NEGATIVE_INFINITY
                : Number.POSITIVE_INFINITY
              : parseFloat(s),
      ),
    ],
  });
  return { lib: y, schema };
}

/**
 * Where a tag (`!x`, `!!int`), an anchor (`&a`), an alias (`*a`), a directive (`%YAML`), an explicit key (`? `) or a
 * collection used as a key (`[a]: 1`, which the two packages turn into different strings) could start. It may also
 * match inside a quoted string: then the file merely takes the slower, positioned read.
 */
const NEEDS_FULL_READ = /(?:^|[\s,[{:-])[!&*]|^%|(?:^|\s)\?(?:\s|$)|[\]}]\s*:(?:\s|$)/m;

/**
 * The document's value, or undefined when the fast read does not apply or does not succeed: then the caller reads
 * the file with the yaml package, which says what is wrong and where.
 */
export function fastYamlValue(text: string): { value: unknown } | undefined {
  // Without an anchor no node can be reached twice, so the value is a tree (aliases stay with the yaml package and
  // its expansion limit). `__proto__` is a key the positioned read refuses where it is written.
  if (NEEDS_FULL_READ.test(text) || text.includes('__proto__')) return undefined;
  let value: unknown;
  try {
    const { lib: y, schema: s } = coreSchema();
    // json: false (the default) makes a repeated key an error, as it is in kcops.yaml.
    value = y.load(text, { schema: s });
  } catch {
    return undefined;
  }
  return { value };
}
