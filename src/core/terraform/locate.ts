/**
 * Source positions for HCL: @cdktf/hcl2json gives values but no positions (and sorts object keys), so findings are
 * located by a lexical scan of the source text. This is not a second HCL parser: it never decides what a value is
 * (the values always come from hcl2json); it only walks the text token by token, knowing exactly what HCL says about
 * strings (escapes, `${...}` / `%{...}` templates that may nest strings and braces), heredocs (`<<EOT` / `<<-EOT`)
 * and comments (`#`, `//`, `/* *\/`), so that a brace, `=` or key inside any of them is never taken for structure.
 * The positions found are those of the items hcl2json returned: a key it did not return is never reported.
 */

/** Index just past the string that opens at `i` (text[i] === '"'), templates and escapes included. */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '\\') j += 2;
    else if (c === '"') return j + 1;
    else if (c === '\n')
      return j; // unterminated: HCL reports it; stop at the line end
    else if ((c === '$' || c === '%') && text[j + 1] === c && text[j + 2] === '{')
      j += 3; // $${ and %%{ are escapes, not templates
    else if ((c === '$' || c === '%') && text[j + 1] === '{') j = matchClose(text, j + 1) + 1;
    else j++;
  }
  return j;
}

/** Index just past a heredoc that opens at `i` (`<<EOT` or `<<-EOT`), or -1 when `<<` is not a heredoc. */
function skipHeredoc(text: string, i: number): number {
  const m = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
  if (!m) return -1;
  const end = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
  const rest = text.slice(i + m[0].length);
  const e = end.exec(rest);
  return e ? i + m[0].length + e.index + e[0].length : text.length;
}

/** Index just past trivia (a comment) at `i`, or `i` when there is none. */
function skipComment(text: string, i: number): number {
  const c = text[i];
  if (c === '#' || (c === '/' && text[i + 1] === '/')) {
    const nl = text.indexOf('\n', i);
    return nl < 0 ? text.length : nl;
  }
  if (c === '/' && text[i + 1] === '*') {
    const e = text.indexOf('*/', i + 2);
    return e < 0 ? text.length : e + 2;
  }
  return i;
}

/** Skips one string, heredoc or comment at `i`; returns `i` itself when there is none there. */
function skipOpaque(text: string, i: number): number {
  if (text[i] === '"') return skipString(text, i);
  if (text[i] === '<' && text[i + 1] === '<') {
    const h = skipHeredoc(text, i);
    if (h > 0) return h;
  }
  return skipComment(text, i);
}

const OPEN: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Index of the bracket closing the one at `open` ({, [ or (), skipping strings, heredocs and comments; else the end. */
export function matchClose(text: string, open: number): number {
  const stack: string[] = [];
  let i = open;
  while (i < text.length) {
    const skipped = skipOpaque(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i]!;
    if (OPEN[c]) stack.push(OPEN[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
    i++;
  }
  return text.length - 1;
}

export interface Item {
  /** The key as written, unquoted (`"connector.class"` → connector.class). */
  key: string;
  keyOffset: number;
  valueOffset: number;
}

/**
 * The items directly inside the body or object constructor opened by the brace at `open`: `key = value`,
 * `"key" = value`, `key: value` and nested blocks (`name {` / `name "label" {`, with valueOffset at the brace).
 */
export function itemsOf(text: string, open: number): Item[] {
  const close = matchClose(text, open);
  const out: Item[] = [];
  let i = open + 1;
  let atItemStart = true;
  while (i < close) {
    const skipped = skipOpaque(text, i);
    const c = text[i]!;
    if (atItemStart && /[\s,]/.test(c)) {
      i++;
      continue;
    }
    if (atItemStart && (c === '"' || /[A-Za-z_]/.test(c)) && skipComment(text, i) === i) {
      const keyEnd = c === '"' ? skipString(text, i) : i + /^[\w.-]+/.exec(text.slice(i))![0].length;
      const key = c === '"' ? unquote(text.slice(i, keyEnd)) : text.slice(i, keyEnd);
      const after = /^[ \t]*(=(?!=)|:|\{|"[^"\n]*"[ \t]*(?="|\{))/.exec(text.slice(keyEnd));
      if (after) {
        let v = keyEnd + after[0].length;
        if (after[1]!.startsWith('"'))
          v = text.indexOf('{', v); // a labelled block: name "label" {
        else if (after[1] === '{') v -= 1;
        while (v < close && /[ \t]/.test(text[v]!)) v++;
        out.push({ key, keyOffset: i, valueOffset: v });
        i = skipValue(text, v, close);
        atItemStart = false;
        continue;
      }
    }
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (OPEN[c]) {
      i = matchClose(text, i) + 1;
      continue;
    }
    if (c === '\n' || c === ',') atItemStart = true;
    i++;
  }
  return out;
}

/** Index just past the value (expression) that starts at `v`: up to the end of its line, brackets spanned. */
function skipValue(text: string, v: number, limit: number): number {
  let i = v;
  while (i < limit) {
    const skipped = skipOpaque(text, i);
    if (skipped !== i) {
      // a comment ends the value; a string or heredoc is part of it
      if (text[i] === '#' || (text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*'))) return skipped;
      i = skipped;
      continue;
    }
    const c = text[i]!;
    if (OPEN[c]) {
      i = matchClose(text, i) + 1;
      continue;
    }
    if (c === '\n' || c === ',') return i;
    i++;
  }
  return i;
}

function unquote(s: string): string {
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
}
