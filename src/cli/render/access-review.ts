import type { AccessReview, ReviewedKey, ReviewedPrincipal } from '../../core/access/review.js';
import type { Style } from '../context.js';
import { table } from './output.js';
import { cell } from './plan-markdown.js';

/** `kcops access review` in its three report shapes: tables for people, a Markdown report, CSV for a spreadsheet. */

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');
const lastUsed = (k: ReviewedKey) => (!k.lastUsedKnown ? 'not reported' : k.lastUsedAt ? day(k.lastUsedAt) : 'never');
const ownerText = (p: { id: string; name?: string; email?: string }) =>
  p.name && p.name !== p.id ? `${p.id} (${p.name})` : p.id;
const summarise = (items: string[], max = 3) =>
  items.length === 0
    ? '-'
    : items.length <= max
      ? items.join(', ')
      : `${items.slice(0, max).join(', ')} +${items.length - max}`;
const topicsText = (p: ReviewedPrincipal) =>
  p.topicPatterns.length === 0 ? '-' : `${summarise(p.topicPatterns)}${p.topics.length ? ` (${p.topics.length})` : ''}`;

function flaggedKeys(r: AccessReview): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of r.findings) if (f.key) m.set(f.key, [...(m.get(f.key) ?? []), f.kind]);
  return m;
}

export function humanReview(r: AccessReview, env: string, st: Style): string {
  const flags = flaggedKeys(r);
  const out: string[] = [
    st.bold(`Access review of ${env} (${r.platform}), ${day(r.reviewedAt)}`) +
      st.dim(
        ` — rotation ${r.policy.keyRotationDays} d, unused ${r.policy.unusedKeyDays} d, ${r.principals.length} principals, ${r.keys.length} keys`,
      ),
    '',
    st.bold('Principals'),
    table(
      ['PRINCIPAL', 'KIND', 'TEAM', 'KEYS', 'RIGHTS', 'CONNECTORS', 'TOPICS'],
      r.principals.map((p) => [
        ownerText(p),
        p.kind,
        p.team ?? '-',
        String(p.keys.length),
        summarise(p.rights, 2),
        String(p.connectors.length),
        topicsText(p),
      ]),
    ),
  ];
  if (r.keys.length > 0)
    out.push(
      '',
      st.bold('Keys'),
      table(
        ['KEY', 'OWNER', 'STATUS', 'CREATED', 'AGE', 'LAST USED', 'FLAGS'],
        r.keys.map((k) => [
          k.id,
          k.ownerName ? `${k.owner} (${k.ownerName})` : k.owner,
          k.status,
          day(k.createdAt),
          k.ageDays === null ? '?' : `${k.ageDays} d`,
          lastUsed(k),
          (flags.get(k.id) ?? []).join(', ') || '-',
        ]),
      ),
    );
  out.push('');
  if (r.findings.length === 0) out.push(st.green('No findings.'));
  else {
    out.push(st.bold(st.yellow(`${r.findings.length} finding(s)`)));
    for (const f of r.findings) out.push(`  ${st.yellow(f.kind)}  ${f.principal}: ${f.message}`);
  }
  for (const n of r.notes) out.push(st.dim(`note: ${n}`));
  return out.join('\n') + '\n';
}

export function markdownReview(r: AccessReview, env: string): string {
  const flags = flaggedKeys(r);
  const row = (cells: string[]) => `| ${cells.map((c) => cell(c)).join(' | ')} |`;
  const lines = [
    `# Access review: ${cell(env)} (${r.platform})`,
    '',
    `Reviewed ${r.reviewedAt}. Policy: keys rotated within ${r.policy.keyRotationDays} days, used within ${r.policy.unusedKeyDays} days.`,
    '',
    `**${r.findings.length === 0 ? 'No findings' : `${r.findings.length} finding(s)`}** — ${r.principals.length} principals, ${r.keys.length} keys.`,
    '',
    '## Findings',
    '',
  ];
  if (r.findings.length === 0) lines.push('None.');
  else {
    lines.push('| kind | principal | key | finding |', '|---|---|---|---|');
    for (const f of r.findings) lines.push(row([f.kind, f.principal, f.key ?? '', f.message]));
  }
  lines.push(
    '',
    '## Principals',
    '',
    '| principal | kind | team | keys | rights | connectors | topics |',
    '|---|---|---|---|---|---|---|',
  );
  for (const p of r.principals)
    lines.push(
      row([
        ownerText(p),
        p.kind,
        p.team ?? '',
        p.keys.join(', '),
        p.rights.join('; '),
        p.connectors.join(', '),
        p.topicPatterns.join(', '),
      ]),
    );
  lines.push(
    '',
    '## Keys',
    '',
    '| key | owner | status | created | age (days) | last used | flags |',
    '|---|---|---|---|---|---|---|',
  );
  for (const k of r.keys)
    lines.push(
      row([
        k.id,
        k.ownerName ? `${k.owner} (${k.ownerName})` : k.owner,
        k.status,
        day(k.createdAt),
        k.ageDays === null ? '' : String(k.ageDays),
        lastUsed(k),
        (flags.get(k.id) ?? []).join(', '),
      ]),
    );
  if (r.notes.length > 0) lines.push('', '## Notes', '', ...r.notes.map((n) => `- ${cell(n)}`));
  return lines.join('\n') + '\n';
}

/** RFC 4180: quoted when needed; a leading = + - @ is prefixed with ' so a spreadsheet never runs it as a formula. */
function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const CSV_COLUMNS = [
  'principal',
  'principal_name',
  'kind',
  'team',
  'key_id',
  'key_status',
  'created',
  'last_used',
  'rights',
  'connectors',
  'topics',
  'findings',
] as const;

/** One row per key, and one per principal that holds rights without a key (a Kafka principal, a Cloud user). */
export function csvReview(r: AccessReview): string {
  const byId = new Map(r.principals.map((p) => [p.id, p]));
  const findingsOf = (principal: string, key?: string) =>
    r.findings
      .filter((f) => f.principal === principal && (key === undefined ? !f.key : f.key === key || !f.key))
      .map((f) => `${f.kind}: ${f.message}`)
      .join(' | ');
  const rows: string[][] = [];
  for (const k of r.keys) {
    const p = byId.get(k.owner);
    rows.push([
      k.owner,
      p?.name ?? k.ownerName ?? '',
      p?.kind ?? '',
      p?.team ?? '',
      k.id,
      k.status,
      k.createdAt ?? '',
      !k.lastUsedKnown ? 'not reported' : (k.lastUsedAt ?? 'never'),
      (p?.rights ?? []).join('; '),
      (p?.connectors ?? []).join(' '),
      (p?.topicPatterns ?? []).join(' '),
      findingsOf(k.owner, k.id),
    ]);
  }
  for (const p of r.principals.filter((x) => x.keys.length === 0))
    rows.push([
      p.id,
      p.name ?? '',
      p.kind,
      p.team ?? '',
      '',
      '',
      '',
      '',
      p.rights.join('; '),
      p.connectors.join(' '),
      p.topicPatterns.join(' '),
      findingsOf(p.id),
    ]);
  return [CSV_COLUMNS.join(','), ...rows.map((cells) => cells.map(csvField).join(','))].join('\n') + '\n';
}
