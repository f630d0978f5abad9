/**
 * Text from configs, file names and servers must not drive the terminal (issue 19 §3): an ESC sequence could clear
 * the screen or move the cursor, a newline in a file name could add a line of its own, and bidi overrides
 * (U+202A–U+202E, U+2066–U+2069) can make `- orders` read as something else in the plan shown for approval.
 */

// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, the invisible direction marks, line/paragraph
// separators. Tab is escaped too: in a value it would shift columns; frames expand it on purpose before this runs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  switch (c) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\u001b':
      return '\\e';
  }
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One untrusted value (a name, a key, a config value, a message from a server) made inert for a terminal. */
export function escapeControl(s: string): string {
  return s.replace(UNSAFE, escapeChar);
}

// The colour codes makeStyle emits (bold, dim, red, green, yellow, cyan and their resets): nothing that moves the
// cursor, clears, hides text or changes the title.
// eslint-disable-next-line no-control-regex -- SGR sequences start with ESC
const OWN_SGR = /\u001b\[(?:0|1|2|22|31|32|33|36|39)m/y;

/**
 * The last line of defence for a whole block of human output: keeps line breaks and kcops's own colour codes and
 * escapes every other control or bidi character, wherever it came from.
 */
export function sanitizeTerminal(text: string): string {
  let out = '';
  let at = 0;
  UNSAFE.lastIndex = 0;
  for (const m of text.matchAll(UNSAFE)) {
    const c = m[0];
    if (m.index < at) continue;
    out += text.slice(at, m.index);
    at = m.index + 1;
    if (c === '\n' || c === '\t') {
      out += c;
      continue;
    }
    if (c === '\u001b') {
      OWN_SGR.lastIndex = m.index;
      const sgr = OWN_SGR.exec(text);
      if (sgr) {
        out += sgr[0];
        at = m.index + sgr[0].length;
        continue;
      }
    }
    out += escapeChar(c);
  }
  return out + text.slice(at);
}

/** One cell of a table: kcops's own colours kept, and a line break or tab in a name cannot add a row or shift columns. */
export function sanitizeCell(cell: string): string {
  return sanitizeTerminal(cell).replace(/[\n\t]/g, escapeChar);
}
