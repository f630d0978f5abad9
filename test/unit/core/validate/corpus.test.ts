import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validate, type ValidateResult } from '../../../../src/core/validate/run.js';
import { SHARED_DIR } from '../../../shared-dir.js';

/**
 * The real-world corpus (../shared/corpus/real-world-configs/, SOURCES.md) through `validate --offline`.
 * SOURCES.md's flag vocabulary maps onto rule ids like this:
 *   INVALID_JSON → syntax/invalid-json          SHAPE:* → shape/{flat-config,bare-config,properties-file,
 *   SECRET_PLAINTEXT → secret/plaintext                    strimzi-resource,terraform-resource,template}
 *   SECRET_IN_URL → secret/in-url               SECRET_PLACEHOLDER → secret/placeholder
 *   NO_TASKS_MAX → required/tasks-max           SINK_NO_DLQ → dlq/sink-without-dlq
 *   TOL_ALL_NO_DLQ → dlq/tolerance-without-dlq  DLQ_NO_TOL → dlq/dlq-without-tolerance   DLQ_RF1 → dlq/replication-factor
 *   DEPRECATED → deprecated/{key,value,plugin,transform-option}
 *   UNKNOWN_KEY → unknown-key/connector, or converter/unprefixed-option for converter options at the top level
 *   INERT_CONV → converter/{inert-schemas-enable,orphan-option}   SCHEMA_MISMATCH → converter/schemas-enable-mismatch
 *   NON_STRING → syntax/non-string-value        WS → syntax/whitespace
 * `expected` lists what each row flags; `extra` what kcops adds on purpose (with the reason beside it).
 * SOURCES.md says what a *strict production* validator reports, so the rows are checked with `strict: true`; the
 * default for loose files is advisory, checked at the end (issue 19 §6: not every real-world file is an error).
 */
const CORPUS = join(SHARED_DIR, 'corpus/real-world-configs');

const EOS = 'exactly-once/source-not-required'; // loose files are checked with requireExactlyOnceOnSources on
const REQ = 'required/key'; // keys the plugin's catalog requires that the extract does not set
const UNKNOWN_PLUGIN = 'unknown-key/unknown-plugin'; // info: no bundled catalog for the class

const rows: Record<string, { expected: string[]; extra?: string[] }> = {
  '001-dbz-tutorial-register-postgres.json': { expected: ['secret/plaintext'], extra: [EOS] },
  '003-dbz-outbox-register-postgres.json': { expected: ['shape/bare-config', 'secret/plaintext'], extra: [EOS] },
  '005-dbz-kstreams-live-update-pgsql-source.json': { expected: ['secret/plaintext'], extra: [EOS] },
  '007-nulogy-debezium-config.tpl': {
    expected: [
      'shape/template',
      'secret/placeholder',
      'deprecated/key',
      'deprecated/transform-option',
      'deprecated/value',
      'unknown-key/connector',
      'required/tasks-max',
    ],
    extra: [EOS, REQ], // topic.prefix is required by Debezium 2+ and missing (database.server.name is its removed predecessor)
  },
  // SHAPE:terraform: since issue #12 a confluent_connector resource is a supported shape outside connectors/<env>/
  // (read with the HCL parser, checked by every connector rule), so the three .tf rows have no shape finding.
  '009-tf-online-retailer-postgres-cdc-v2.tf': {
    expected: ['deprecated/key'],
    // plugin.name is forced to pgoutput in V2 and not user-settable; csfle.configs.visible is not in the V2 templates.
    extra: ['unknown-key/connector'],
  },
  '011-tf-provider-example-postgres-cdc-v1.tf': {
    expected: ['deprecated/plugin', 'secret/placeholder'],
  },
  // The catalog now has the Confluent S3 sink (written from its documentation, partial: no unknown-key findings).
  '013-rca0-s3-sink.json': {
    expected: ['secret/placeholder', 'converter/unprefixed-option', 'converter/inert-schemas-enable'],
  },
  '015-aiven-s3-readme-example.properties': {
    expected: ['shape/properties-file', 'secret/placeholder', 'required/tasks-max', 'dlq/sink-without-dlq'],
  },
  '017-camel-aws2-s3-sink.properties': {
    expected: ['shape/properties-file', 'secret/placeholder', 'required/tasks-max', 'dlq/sink-without-dlq'],
    extra: [UNKNOWN_PLUGIN],
  },
  '019-examples-cloud-etl-s3-avro.json': { expected: ['shape/flat-config', 'secret/placeholder', 'deprecated/key'] },
  '021-jdbc-sink-quickstart-sqlite.properties': {
    expected: ['shape/properties-file', 'dlq/sink-without-dlq'],
  },
  '023-demo-scene-no-more-silos-jdbc-source-mysql.json': {
    // The JSON inside the curl command is recovered (positions kept) so its content is checked too.
    expected: ['syntax/invalid-json', 'secret/plaintext', 'syntax/non-string-value', 'deprecated/key'],
  },
  '025-dbz-unwrap-smt-debezium-jdbc-sink.json': { expected: ['secret/plaintext', 'dlq/sink-without-dlq'] },
  // Deliberate difference: SOURCES notes a key/value schemas.enable asymmetry (key implicit, value explicit), but both
  // are effectively true, so converter/schemas-enable-mismatch (which compares effective values) stays silent.
  '027-aiven-jdbc-sink-docs-example.properties': {
    expected: ['shape/properties-file', 'secret/in-url', 'required/tasks-max', 'dlq/sink-without-dlq'],
  },
  '029-tf-provider-example-mysql-sink.tf': { expected: [] }, // negative control for secrets
  '031-shikhar-dynamodb-sink-quickstart.properties': {
    expected: ['shape/properties-file', 'required/tasks-max', 'dlq/sink-without-dlq'],
    extra: [UNKNOWN_PLUGIN],
  },
  '033-trustpilot-dynamodb-source-all-options.json': {
    expected: ['shape/bare-config', 'syntax/non-string-value'],
    extra: [UNKNOWN_PLUGIN],
  },
  '035-kafka-connect-file-sink.properties': { expected: ['shape/properties-file', 'dlq/sink-without-dlq'] },
  '037-strimzi-source-connector.yaml': { expected: ['shape/strimzi-resource'], extra: [EOS] },
  '039-demo-scene-deepdive-sink-json-noschema-02.json': { expected: ['required/tasks-max', 'dlq/sink-without-dlq'] }, // negative control for the mismatch rule
  // MirrorMaker 2 is in the catalog (generated from connect-mirror's ConfigDef): `clusters` and the inert
  // `replication.factor` are unknown keys; source.cluster.* / target.cluster.* are its client prefixes.
  '041-aws-samples-mm2-cpc-iam.json': {
    expected: ['shape/flat-config', 'syntax/whitespace', 'unknown-key/connector'],
  },
  '043-kafka-kip382-connect-mirror-source.properties': {
    expected: ['shape/properties-file'],
    extra: [EOS],
  },
  '045-cp-demo-elasticsearch-ksqldb.json': {
    expected: [
      'secret/plaintext',
      'converter/orphan-option',
      'syntax/non-string-value',
      'required/tasks-max',
      'dlq/sink-without-dlq',
      'deprecated/key', // type.name, topic.index.map: removed in the Elasticsearch sink 11.0.0
    ],
  },
  '047-demo-scene-rail-ccloud-es-sink.json': {
    expected: ['shape/flat-config', 'secret/placeholder', 'deprecated/plugin'],
    extra: [UNKNOWN_PLUGIN],
  },
  '049-demo-scene-neo4j-sink.json': {
    expected: ['dlq/tolerance-without-dlq', 'secret/plaintext', 'syntax/non-string-value', 'required/tasks-max'],
    extra: [UNKNOWN_PLUGIN],
  },
};

describe('real-world corpus', () => {
  let result: ValidateResult;
  beforeAll(async () => {
    result = await validate({ paths: [CORPUS], cwd: CORPUS, strict: true });
  });

  it('covers every file of the corpus', () => {
    const files = readdirSync(CORPUS).filter((f) => f !== 'SOURCES.md');
    expect(Object.keys(rows).sort()).toEqual(files.sort());
    expect(result.files.sort()).toEqual(files.sort());
    expect(result.findings.filter((f) => f.rule === 'kcops/rule-failed')).toEqual([]);
  });

  it.each(Object.entries(rows))('%s', (file, row) => {
    const got = [...new Set(result.findings.filter((f) => f.file === file).map((f) => f.rule))].sort();
    expect(got).toEqual([...new Set([...row.expected, ...(row.extra ?? [])])].sort());
  });

  it('reports three plaintext secrets in 045 and never prints a secret value', () => {
    expect(result.findings.filter((f) => f.file.startsWith('045') && f.rule === 'secret/plaintext')).toHaveLength(3);
    const text = JSON.stringify(result.findings);
    for (const secret of ['asgard', 'connectorSA:connectorSA', 'postgrespw', 'mysecretpassword'])
      expect(text).not.toContain(secret);
  });
});

describe('real-world corpus, default (advisory) severities for loose files', () => {
  let strict: ValidateResult;
  let advisory: ValidateResult;
  beforeAll(async () => {
    strict = await validate({ paths: [CORPUS], cwd: CORPUS, strict: true });
    advisory = await validate({ paths: [CORPUS], cwd: CORPUS });
  });

  const CONVENTION = [
    /^shape\/(flat-config|bare-config|properties-file|strimzi-resource|terraform-resource|template)$/,
    /^exactly-once\/source-not-required$/,
    /^dlq\/sink-without-dlq$/,
    /^secret\/placeholder$/,
    /^syntax\/non-string-value$/,
  ];

  it('reports the same findings, with convention and policy rules as warnings instead of errors', () => {
    const key = (f: { rule: string; file: string; line: number; column: number }): string =>
      `${f.file}:${f.line}:${f.column}:${f.rule}`;
    expect(advisory.findings.map(key)).toEqual(strict.findings.map(key));
    for (const f of advisory.findings.filter((x) => CONVENTION.some((r) => r.test(x.rule))))
      expect(f.severity, key(f)).toBe('warning');
    for (const f of strict.findings.filter((x) => CONVENTION.some((r) => r.test(x.rule))))
      expect(f.severity, key(f)).toBe('error');
  });

  it('a file whose only findings are conventions is not an error by default (e.g. the Strimzi shape)', () => {
    const errorsIn = (r: ValidateResult, file: string): number =>
      r.findings.filter((f) => f.file === file && f.severity === 'error').length;
    for (const file of [
      '037-strimzi-source-connector.yaml',
      '021-jdbc-sink-quickstart-sqlite.properties',
      '043-kafka-kip382-connect-mirror-source.properties',
      '039-demo-scene-deepdive-sink-json-noschema-02.json',
    ]) {
      expect(errorsIn(advisory, file), file).toBe(0);
      expect(errorsIn(strict, file), file).toBeGreaterThan(0);
    }
    // A plaintext password stays an error whatever the policy.
    expect(errorsIn(advisory, '001-dbz-tutorial-register-postgres.json')).toBe(1);
  });

  it('whole-file findings of a .properties file point at its first property, not at the licence comment', () => {
    const f = advisory.findings.find(
      (x) => x.file === '035-kafka-connect-file-sink.properties' && x.rule === 'shape/properties-file',
    );
    expect(f?.line).toBeGreaterThan(1);
    expect(f?.line).toBe(16);
  });

  it('hints are written in the syntax of the file they are about', () => {
    const props = advisory.findings.find(
      (x) => x.file === '035-kafka-connect-file-sink.properties' && x.rule === 'dlq/sink-without-dlq',
    );
    expect(props?.hint).toContain('errors.tolerance=all');
    const jsonHint = advisory.findings.find(
      (x) => x.file === '039-demo-scene-deepdive-sink-json-noschema-02.json' && x.rule === 'dlq/sink-without-dlq',
    );
    expect(jsonHint?.hint).toContain('"errors.tolerance": "all"');
  });
});
