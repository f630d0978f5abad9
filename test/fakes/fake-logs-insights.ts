/**
 * A small interpreter of the Logs Insights QL subset kcops generates, for the CloudWatch Logs stand-in:
 *
 *   fields f1, f2, ...              which fields each result row carries (plus `@ptr`, as the service adds it)
 *   filter <expr>                   `or`, `and`, `not`, parentheses; `<field> like /regex/`, `<field> like "text"`
 *                                   (substring), `<field> not like ...`, `<field> =~ /regex/`
 *   sort <field> [asc|desc]         stable
 *   limit <n>                       1..10,000
 *
 * Regex literals follow the service: `\/` stands for `/`, a leading `(?i)` makes the match case-insensitive (the
 * service's engine takes inline flags; JavaScript's does not, so the stand-in turns it into the `i` flag). Anything
 * else — another command, an unknown operator, a regex JavaScript cannot compile — is a compile error, which the stand-in
 * answers as `MalformedQueryException` with a `queryCompileError` location, as the service does.
 */

export interface InsightsEvent {
  group: string;
  stream: string;
  timestamp: number;
  ingestionTime: number;
  message: string;
  eventId: string;
}

export class QueryCompileError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

type Expr =
  | { op: 'or'; left: Expr; right: Expr }
  | { op: 'and'; left: Expr; right: Expr }
  | { op: 'not'; inner: Expr }
  | { op: 'like'; field: string; test: (v: string) => boolean };

type Command =
  | { kind: 'fields'; fields: string[] }
  | { kind: 'filter'; expr: Expr }
  | { kind: 'sort'; field: string; desc: boolean }
  | { kind: 'limit'; n: number };

interface Token {
  kind: 'word' | 'regex' | 'string' | 'number' | 'punct';
  text: string;
  /** Regex body (with `\/` unescaped) or the string's value. */
  value: string;
  start: number;
  end: number;
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '/' || c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < q.length && q[i] !== c) {
        if (q[i] === '\\' && i + 1 < q.length) {
          // In a regex literal the backslash stays (it means something to the regex) except before the delimiter.
          if (c === '/') value += q[i + 1] === '/' ? '/' : q[i]! + q[i + 1]!;
          else value += q[i + 1]!;
          i += 2;
        } else value += q[i++]!;
      }
      if (i >= q.length) throw new QueryCompileError(`unterminated ${c === '/' ? 'regex' : 'string'}`, start, i);
      i++;
      out.push({ kind: c === '/' ? 'regex' : 'string', text: q.slice(start, i), value, start, end: i });
      continue;
    }
    const word = /^@?[A-Za-z_][\w.]*/.exec(q.slice(i));
    if (word) {
      i += word[0].length;
      out.push({ kind: 'word', text: word[0], value: word[0], start, end: i });
      continue;
    }
    const num = /^\d+/.exec(q.slice(i));
    if (num) {
      i += num[0].length;
      out.push({ kind: 'number', text: num[0], value: num[0], start, end: i });
      continue;
    }
    const punct = /^(=~|[|(),])/.exec(q.slice(i));
    if (!punct) throw new QueryCompileError(`unexpected character '${c}'`, i, i + 1);
    i += punct[0].length;
    out.push({ kind: 'punct', text: punct[0], value: punct[0], start, end: i });
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(
    private readonly t: Token[],
    private readonly length: number,
  ) {}

  private peek(): Token | undefined {
    return this.t[this.i];
  }

  private fail(message: string, tok = this.peek()): never {
    throw new QueryCompileError(message, tok?.start ?? this.length, tok?.end ?? this.length);
  }

  private next(what: string): Token {
    const tok = this.t[this.i];
    if (!tok) this.fail(`expected ${what} at the end of the query`);
    this.i++;
    return tok;
  }

  private isWord(w: string): boolean {
    const tok = this.peek();
    return tok?.kind === 'word' && tok.text.toLowerCase() === w;
  }

  private isPunct(p: string): boolean {
    const tok = this.peek();
    return tok?.kind === 'punct' && tok.text === p;
  }

  parse(): Command[] {
    const commands: Command[] = [this.command()];
    while (this.isPunct('|')) {
      this.i++;
      commands.push(this.command());
    }
    if (this.peek()) this.fail(`unexpected '${this.peek()!.text}'`);
    return commands;
  }

  private field(): string {
    const tok = this.next('a field');
    if (tok.kind !== 'word') this.fail(`expected a field, got '${tok.text}'`, tok);
    return tok.text;
  }

  private command(): Command {
    const tok = this.next('a command');
    const name = tok.kind === 'word' ? tok.text.toLowerCase() : '';
    if (name === 'fields') {
      const fields = [this.field()];
      while (this.isPunct(',')) {
        this.i++;
        fields.push(this.field());
      }
      return { kind: 'fields', fields };
    }
    if (name === 'filter') return { kind: 'filter', expr: this.or() };
    if (name === 'sort') {
      const field = this.field();
      let desc = false;
      if (this.isWord('asc') || this.isWord('desc')) desc = this.next('asc or desc').text.toLowerCase() === 'desc';
      return { kind: 'sort', field, desc };
    }
    if (name === 'limit') {
      const n = this.next('a number');
      const v = Number(n.text);
      if (n.kind !== 'number' || v < 1 || v > 10_000) this.fail('limit takes a number from 1 to 10000', n);
      return { kind: 'limit', n: v };
    }
    this.fail(`unknown command '${tok.text}' (the stand-in knows fields, filter, sort, limit)`, tok);
  }

  private or(): Expr {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isWord('and')) {
      this.i++;
      left = { op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isWord('not')) {
      this.i++;
      return { op: 'not', inner: this.not() };
    }
    if (this.isPunct('(')) {
      this.i++;
      const e = this.or();
      if (!this.isPunct(')')) this.fail("expected ')'");
      this.i++;
      return e;
    }
    const field = this.field();
    let negate = false;
    if (this.isWord('not')) {
      this.i++;
      negate = true;
    }
    const op = this.next("'like' or '=~'");
    if (!((op.kind === 'word' && op.text.toLowerCase() === 'like') || (op.kind === 'punct' && op.text === '=~')))
      this.fail(`unsupported operator '${op.text}'`, op);
    const pattern = this.next('a regex or a string');
    let test: (v: string) => boolean;
    if (pattern.kind === 'regex') {
      const ci = pattern.value.startsWith('(?i)');
      let re: RegExp;
      try {
        re = new RegExp(ci ? pattern.value.slice(4) : pattern.value, ci ? 'i' : '');
      } catch (e) {
        this.fail(`invalid regular expression: ${(e as Error).message}`, pattern);
      }
      test = (v) => re.test(v);
    } else if (pattern.kind === 'string' && op.text.toLowerCase() === 'like') {
      test = (v) => v.includes(pattern.value);
    } else this.fail(`expected a regex or a string, got '${pattern.text}'`, pattern);
    const like: Expr = { op: 'like', field, test };
    return negate ? { op: 'not', inner: like } : like;
  }
}

export function compileQuery(queryString: string): Command[] {
  return new Parser(tokenize(queryString), queryString.length).parse();
}

/** Insights prints @timestamp as UTC `yyyy-MM-dd HH:mm:ss.SSS`. */
export function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function fieldValue(e: InsightsEvent, field: string): string | undefined {
  switch (field) {
    case '@timestamp':
      return insightsTime(e.timestamp);
    case '@ingestionTime':
      return insightsTime(e.ingestionTime);
    case '@message':
      return e.message;
    case '@logStream':
      return e.stream;
    case '@log':
      return `123456789012:${e.group}`;
    default:
      return undefined;
  }
}

function holds(x: Expr, e: InsightsEvent): boolean {
  if (x.op === 'or') return holds(x.left, e) || holds(x.right, e);
  if (x.op === 'and') return holds(x.left, e) && holds(x.right, e);
  if (x.op === 'not') return !holds(x.inner, e);
  const v = fieldValue(e, x.field);
  return v !== undefined && x.test(v);
}

/**
 * Runs compiled commands over the events of the time range. `matched` counts the events that passed every filter
 * (the service's `recordsMatched`), before `limit` cut them.
 */
export function runQuery(
  commands: Command[],
  events: InsightsEvent[],
  defaultLimit: number,
): { rows: { field: string; value: string }[][]; matched: number } {
  let list = events;
  let fields = ['@timestamp', '@message'];
  let limit = defaultLimit;
  for (const c of commands) {
    if (c.kind === 'filter') list = list.filter((e) => holds(c.expr, e));
    else if (c.kind === 'fields') fields = c.fields;
    else if (c.kind === 'limit') limit = c.n;
    else {
      const key = (e: InsightsEvent) =>
        c.field === '@timestamp'
          ? e.timestamp
          : c.field === '@ingestionTime'
            ? e.ingestionTime
            : fieldValue(e, c.field);
      list = list
        .map((e, i) => ({ e, i }))
        .sort((a, b) => {
          const x = key(a.e) ?? '';
          const y = key(b.e) ?? '';
          const d = x < y ? -1 : x > y ? 1 : 0;
          return (c.desc ? -d : d) || a.i - b.i;
        })
        .map((x) => x.e);
    }
  }
  const rows = list.slice(0, limit).map((e) => [
    ...fields.flatMap((f) => {
      const value = fieldValue(e, f);
      return value === undefined ? [] : [{ field: f, value }];
    }),
    { field: '@ptr', value: Buffer.from(`${e.group}/${e.stream}/${e.eventId}`).toString('base64') },
  ]);
  return { rows, matched: list.length };
}
