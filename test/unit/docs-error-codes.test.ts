import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRaises, renderErrorCodeDocs, runbookCodes } from '../../scripts/error-codes.mjs';

const root = join(import.meta.dirname, '..', '..');

describe('troubleshooting by error code', () => {
  it('docs/reference/error-codes.md is generated from the source (run `node scripts/gen-error-docs.mjs`)', () => {
    expect(readFileSync(join(root, 'docs', 'reference', 'error-codes.md'), 'utf8')).toBe(renderErrorCodeDocs(root));
  });

  it('has one entry per code the source raises, with its hint and exit code', () => {
    const raises = collectRaises(root);
    const page = renderErrorCodeDocs(root);
    for (const code of new Set(raises.map((r) => r.code))) expect(page).toContain(`\n## ${code}\n`);
    // A known site, read through the parser: template-literal message, hint and explicit exit code.
    const port = raises.find((r) => r.code === 'DEV_PORT_IN_USE' && r.message.includes('already in use'));
    expect(port).toMatchObject({
      message: 'Port <port> (<what>) is already in use by another process.',
      exit: ['Error'],
    });
    expect(port!.hint).toContain('choose another port with <flag> <port>');
    expect(raises.find((r) => r.code === 'USAGE')!.exit).toEqual(['Usage']);
  });

  it("every code a runbook's front matter claims is raised somewhere, and every runbook claims at least one", () => {
    const codes = new Set([...collectRaises(root).map((r) => r.code), 'INTERNAL']);
    for (const book of runbookCodes(root)) {
      expect(book.codes.length, `${book.page} has no codes: in its front matter`).toBeGreaterThan(0);
      for (const p of book.codes)
        expect(
          [...codes].some((c) => (p.endsWith('*') ? c.startsWith(p.slice(0, -1)) : c === p)),
          `${book.page}: ${p} is raised nowhere`,
        ).toBe(true);
    }
  });
});
