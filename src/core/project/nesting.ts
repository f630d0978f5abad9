/**
 * The parsers kcops uses (momoa for JSON, yaml) recurse once per level of nesting, so a file nested 100,000 levels
 * deep overflows the stack and the error names nothing in the file. No kcops.yaml or connector config needs more than
 * a handful of levels, so files are checked before parsing and refused with the place where they went too deep.
 */
export const MAX_NESTING = 64;

/**
 * Offset of the first `[` or `{` that opens level `limit + 1`, outside strings; undefined when the text stays within
 * the limit. JSON strings ("...", with escapes) are skipped, and with `yaml` single-quoted strings and # comments too.
 * Block-style YAML nesting is not counted: it costs indentation on every line, so the size limits bound it.
 */
export function tooDeepAt(text: string, o: { yaml?: boolean; limit?: number } = {}): number | undefined {
  const limit = o.limit ?? MAX_NESTING;
  let depth = 0;
  // Jump from one character that matters to the next: a 7 MB kcops.yaml is mostly plain words.
  const next = o.yaml ? /["'#[\]{}]/g : /["[\]{}]/g;
  for (let i = 0; i < text.length; i++) {
    next.lastIndex = i;
    const m = next.exec(text);
    if (m === null) break;
    i = m.index;
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */ && (!o.yaml || startsScalar(text, i))) i = endOfQuoted(text, i, '"', true);
    else if (o.yaml && c === 0x27 /* ' */ && startsScalar(text, i)) i = endOfQuoted(text, i, "'", false);
    else if (o.yaml && c === 0x23 /* # */ && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d /* ] */ || c === 0x7d) /* } */ && depth > 0) depth--;
  }
  return undefined;
}

function endOfQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i];
    if (backslashEscapes && ch === '\\') i++;
    else if (ch === quote) {
      // YAML single quotes escape themselves by doubling.
      if (!backslashEscapes && text[i + 1] === quote) i++;
      else return i;
    }
  }
  return text.length;
}

/** A YAML quote opens a string only where a scalar can start (not inside a plain word such as don't). */
function startsScalar(text: string, i: number): boolean {
  const prev = text[i - 1];
  return prev === undefined || /[\s[{,:-]/.test(prev);
}

/** 1-based line and column of an offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The first line of a yaml error, with a stack overflow (block nesting no parser recurses through) named as such. */
export function yamlMessage(e: Error): string {
  if (/Maximum call stack size exceeded/.test(e.message))
    return `nested too deeply to read (more than the YAML parser can follow)`;
  return e.message.split('\n')[0] ?? e.message;
}
