import type { Position } from '../finding.js';

/**
 * What a JSON parse error most likely means, from the text around it: the parser only says which character or token
 * it did not expect, and a generic "trailing commas are not JSON" sends people looking for the wrong thing.
 */
export function jsonErrorCause(text: string, at: Position, detail: string): { cause: string; hint: string } {
  const lines = text.split('\n');
  const line = lines[at.line - 1] ?? '';
  const i = at.column - 1;
  const ch = line[i] ?? '';
  const before = line.slice(0, i);
  const prevNonSpace = [...lines.slice(0, at.line - 1), before].join('\n').trimEnd().slice(-1);

  // The parser points at the backslash of a bad escape (or, in some versions, at the character after it).
  const escaped = ch === '\\' ? line[i + 1] : before.endsWith('\\') && !before.endsWith('\\\\') ? ch : undefined;
  if (escaped !== undefined && escaped !== '') {
    const shell = `'$\`!`.includes(escaped);
    return {
      cause: `invalid escape '\\${escaped}' inside a string (JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`,
      hint: shell
        ? `This looks shell-escaped (copied from a curl command or a heredoc): write ${escaped} without the backslash.`
        : `Remove the backslash, or write it as \\\\ if the value needs one.`,
    };
  }
  if (/Unexpected token R(Brace|Bracket)/.test(detail) && prevNonSpace === ',') {
    return { cause: 'a trailing comma before the closing bracket', hint: 'Delete the comma after the last entry.' };
  }
  if (ch === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) {
    return {
      cause: 'a comment (JSON has none)',
      hint: 'Delete the comment, or keep notes in a README next to the file.',
    };
  }
  if (ch === "'") {
    return { cause: 'a single-quoted string', hint: 'JSON strings use double quotes: "like this".' };
  }
  if (/end of input/i.test(detail)) {
    return {
      cause: 'the file ends before the JSON does',
      hint: 'A closing } or ] (or a closing quote) is missing.',
    };
  }
  const word = /Unexpected identifier '([^']*)'/.exec(detail)?.[1];
  if (word !== undefined) {
    return {
      cause: `the bare word '${word}'`,
      hint: /^(true|false|null)$/i.test(word)
        ? `JSON literals are lower-case: ${word.toLowerCase()}.`
        : 'Put it in double quotes, or fix the misspelt true/false/null.',
    };
  }
  if (/Unexpected token (String|Number|LBrace|LBracket|True|False|Null)/.test(detail) && !/[,:{[]/.test(prevNonSpace)) {
    return { cause: 'a missing comma or colon', hint: 'Separate entries with "," and keys from values with ":".' };
  }
  if (/Unexpected token R(Brace|Bracket)/.test(detail)) {
    return { cause: 'an extra or misplaced closing bracket', hint: 'Match every { with } and every [ with ].' };
  }
  if (/Unexpected character/.test(detail) && at.line === 1 && at.column === 1) {
    return {
      cause: 'the file does not start with {',
      hint: 'A connector file holds only the JSON body; remove what comes before it (a shell command, a title).',
    };
  }
  return { cause: detail.replace(/\.$/, ''), hint: 'Fix the JSON at the position shown.' };
}
