import { describe, expect, it } from 'vitest';
import { planMarkdown, planMarker } from '../../../../src/cli/render/plan-markdown.js';
import { SENSITIVE_CHANGED, SENSITIVE_PRESENT, STATE_FIELD, type Plan } from '../../../../src/core/plan/types.js';

const plan: Plan = {
  formatVersion: 1,
  env: 'staging',
  fingerprint: 'f',
  changes: [
    {
      connector: 'payments-orders-cdc',
      action: 'create',
      fields: [
        {
          key: 'connector.class',
          before: null,
          after: 'io.debezium.connector.postgresql.PostgresConnector',
          sensitive: false,
        },
        { key: 'database.password', before: null, after: SENSITIVE_PRESENT, sensitive: true },
        // A value that holds a credential under a key that does not say so: redacted by value shape.
        { key: 'connection.url', before: null, after: 'jdbc:postgresql://app:hunter2@db:5432/x', sensitive: false },
      ],
    },
    {
      connector: 'payments-orders-sink',
      action: 'update',
      fields: [
        { key: 'tasks.max', before: '1', after: '2', sensitive: false },
        { key: 'aws.secret.key', before: SENSITIVE_PRESENT, after: SENSITIVE_CHANGED, sensitive: true },
        { key: STATE_FIELD, before: 'RUNNING', after: 'PAUSED', sensitive: false },
      ],
    },
    { connector: 'payments-old | </details><img src=x>', action: 'delete', fields: [] },
    { connector: 'payments-quiet', action: 'none', fields: [] },
  ],
  unmanaged: ['billing-other'],
  notInGit: ['payments-forgotten'],
};

describe('kcops plan -o markdown', () => {
  const md = planMarkdown(plan, { commit: '0123456789abcdef0123' });

  it('starts with the marker a pipeline finds to update its comment in place', () => {
    expect(md.split('\n')[0]).toBe(planMarker('staging'));
    expect(md).toContain('### kcops plan: `staging`');
    expect(md).toContain('**1 to create, 1 to update, 1 to delete**, 1 unchanged (at 0123456789ab).');
  });

  it('a summary table, then one collapsible field diff per changed connector', () => {
    expect(md).toContain('| 🟢 create | <code>payments-orders-cdc</code> | 3 |');
    expect(md).toContain('| 🟡 update | <code>payments-orders-sink</code> | 3 |');
    expect(md.match(/<details>/g)).toHaveLength(3);
    expect(md.match(/<\/details>/g)).toHaveLength(3);
    expect(md).toContain('<summary><code>payments-orders-sink</code>: update, 3 fields</summary>');
    expect(md).toContain('| <code>tasks.max</code> | <code>1</code> | <code>2</code> |');
    expect(md).toContain('| _state_ | <code>RUNNING</code> | <code>PAUSED</code> |');
    expect(md).not.toContain('payments-quiet</code>');
    expect(md).toContain('<code>payments-forgotten</code>');
    expect(md).toContain('<code>billing-other</code>');
  });

  it('never shows a secret: placeholders for sensitive keys, the mask for a credential inside a value', () => {
    expect(md).toContain(`<code>${SENSITIVE_CHANGED}</code>`);
    expect(md).not.toContain('hunter2');
    // The mask, its asterisks written as entities so Markdown shows them rather than reading emphasis.
    expect(md).toContain(`app:${'&#42;'.repeat(8)}@db`);
  });

  it('a hostile connector name can neither close the <details> nor add a table row or an image', () => {
    expect(md).toContain('payments-old &#124; &#60;/details&#62;&#60;img src=x&#62;');
    expect(md).not.toContain('<img');
    expect(md.match(/<\/details>/g)).toHaveLength(3);
  });
});
