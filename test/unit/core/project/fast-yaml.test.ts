import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { fastYamlValue } from '../../../../src/core/project/fast-yaml.js';

const yamlLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../../src/core/project/yaml-lib.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/core/project/yaml-lib.js')>();
  return {
    yamlLib: () => {
      yamlLoads.count++;
      return real.yamlLib();
    },
  };
});
const { parseProject } = await import('../../../../src/core/project/load-project.js');

/**
 * Issue 19 §5: a 7 MB kcops.yaml took seconds of CPU, most of it the yaml package building a Document with a position
 * for every node. A valid file is now read by js-yaml without positions; these tests hold the two readers to the
 * same values, and the fast one to stepping aside whenever the two could differ or a problem must be located.
 */
describe('fast kcops.yaml read', () => {
  const same = [
    'a: 1\nb: -2\nc: +3\nd: 0o17\ne: 0x1F\nf: 007\n',
    'a: 1.5\nb: .5\nc: 1.\nd: 1e3\ne: -2.5E-3\nf: .inf\ng: -.Inf\nh: .NAN\n',
    'a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ""\n',
    'a: true\nb: True\nc: FALSE\nd: yes\ne: no\nf: on\ng: off\nh: y\n',
    // YAML 1.1 and js-yaml extras that the 1.2 core schema reads as strings.
    'a: 1_000\nb: 0b101\nc: 2001-12-14\nd: 12:30:00\ne: 0o8\nf: 1e\ng: .\nh: +.5e\n',
    '"<<": x\nk: { "<<": y }\n',
    "a: |\n  one\n  two\nb: >-\n  folded\n  text\n\n  para\nc: \"esc\\t\\u00e9\\n\"\nd: 'it''s'\n",
    'list: [a, "b", 1, { x: [y, z] }]\nblock:\n  - one\n  - two: 2\n    three: 3\n',
    '1: a\n"2": b\ntrue: c\n# a comment\nd: e # trailing\nurl: http://h:8083/x?y=1#frag\n',
    'plain: multi\n  line\n  scalar\nq: "multi\n  line"\n',
    '',
    '# only a comment\n',
  ];
  it.each(same)('reads %j as the yaml package does', (text) => {
    const fast = fastYamlValue(text);
    expect(fast).toBeDefined();
    expect(fast?.value ?? null).toEqual(parse(text));
  });

  const aside = [
    ['a tag', 'a: !!str 1\n'],
    ['a custom tag', 'a: !secret x\n'],
    ['an anchor and alias', 'a: &x { b: 1 }\nc: *x\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['__proto__', '__proto__: { polluted: true }\n'],
    ['a syntax error', 'a: [1, 2\n'],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a collection as a key', '[a]: 1\n'],
    ['a flow map as a key in a list', '- { a: 1 }: c\n'],
    ['an explicit key', '? a\n: b\n'],
  ];
  it.each(aside)('leaves %s to the positioned read', (_what, text) => {
    expect(fastYamlValue(text)).toBeUndefined();
  });

  it('a valid kcops.yaml is read without the yaml package until a finding asks where a path is', () => {
    const lines = ['project: shop', 'environments:'];
    for (let i = 0; i < 200; i++)
      lines.push(`  env-${i}:`, `    cluster: { type: self-managed, connect: { urls: ['http://h-${i}:8083'] } }`);
    const text = lines.join('\n') + '\n';
    yamlLoads.count = 0;
    const p = parseProject('kcops.yaml', text);
    expect(p.issues).toEqual([]);
    expect(Object.keys(p.project?.environments ?? {})).toHaveLength(200);
    expect(yamlLoads.count).toBe(0);
    expect(p.positionOf(['environments', 'env-7', 'cluster', 'connect', 'urls', 0])).toEqual({
      line: 2 + 7 * 2 + 2,
      column: 54,
    });
    expect(yamlLoads.count).toBeGreaterThan(0);
  });

  it('an invalid kcops.yaml is still reported with places (the positioned read)', () => {
    const p = parseProject('kcops.yaml', 'project: shop\nenvironments:\n  dev:\n    cluster: { type: nope }\n');
    expect(p.project).toBeUndefined();
    expect(p.issues[0]).toMatchObject({ path: 'environments.dev.cluster.type', at: { line: 4, column: 22 } });
  });
});
