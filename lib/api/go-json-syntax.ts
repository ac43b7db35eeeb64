// JSON syntax errors in the words of Go's encoding/json, which Kubernetes' apiserver answers with
// (`invalid character 'b' looking for beginning of object key string`, `unexpected end of JSON
// input`): clients and scripts written against Kubernetes match on them, where Node's JSON.parse
// words the same mistake its own way. A scanner over the body's UTF-8 bytes finds the first byte
// Go's grammar refuses, as Go's does: only after JSON.parse has failed, so valid input costs nothing.

/** A request body that is not JSON; the message is the one Go's json.Unmarshal gives. */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
}

/** JSON.parse, failing with Go's wording of the first syntax error. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new JsonSyntaxError(goJsonSyntaxError(text) ?? (err as Error).message);
  }
}

/** The message Go's json.Unmarshal gives for the input (text, or its bytes), or undefined when it is valid JSON. */
export function goJsonSyntaxError(input: string | Uint8Array): string | undefined {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const scanner = new Scanner(bytes);
  try {
    scanner.document();
    return undefined;
  } catch (err) {
    if (err instanceof JsonSyntaxError) return err.message;
    throw err;
  }
}

const END = -1;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const ch = (s: string): number => s.charCodeAt(0);

/**
 * A byte as Go's error quotes it: strconv.Quote of the byte read as a code point, in single
 * quotes, except the quote characters themselves.
 */
export function quoteByte(c: number): string {
  if (c === ch("'")) return `'\\''`;
  if (c === ch('"')) return `'"'`;
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  // 0x80-0x9f and the soft hyphen are not printable in Go; the rest of Latin-1 prints as itself.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u${c.toString(16).padStart(4, '0')}'`;
  return `'${String.fromCharCode(c)}'`;
}

class Scanner {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  document(): void {
    this.value();
    this.skipSpace();
    if (this.peek() !== END) this.fail('after top-level value');
  }

  private peek(): number {
    return this.at < this.bytes.length ? this.bytes[this.at]! : END;
  }

  /** The next byte, or the end of the input (which no caller accepts: the document is incomplete). */
  private next(): number {
    const c = this.peek();
    if (c === END) throw new JsonSyntaxError('unexpected end of JSON input');
    this.at++;
    return c;
  }

  private skipSpace(): void {
    while (WHITESPACE.has(this.peek())) this.at++;
  }

  /** Fails on the byte just read, or on the next one when nothing was read for `context` yet. */
  private fail(context: string, c = this.peek()): never {
    if (c === END) throw new JsonSyntaxError('unexpected end of JSON input');
    throw new JsonSyntaxError(`invalid character ${quoteByte(c)} ${context}`);
  }

  private value(): void {
    this.skipSpace();
    const c = this.next();
    if (c === ch('{')) return this.object();
    if (c === ch('[')) return this.array();
    if (c === ch('"')) return this.string();
    if (c === ch('-') || isDigit(c)) return this.number(c);
    if (c === ch('t')) return this.literal('true');
    if (c === ch('f')) return this.literal('false');
    if (c === ch('n')) return this.literal('null');
    this.fail('looking for beginning of value', c);
  }

  private object(): void {
    this.members(ch('}'), 'after object key:value pair', () => {
      this.skipSpace();
      const quote = this.next();
      if (quote !== ch('"')) this.fail('looking for beginning of object key string', quote);
      this.string();
      this.skipSpace();
      const colon = this.next();
      if (colon !== ch(':')) this.fail('after object key', colon);
      this.value();
    });
  }

  private array(): void {
    this.members(ch(']'), 'after array element', () => this.value());
  }

  /** The comma-separated members of an object or array whose opening was read, through its closing byte. */
  private members(close: number, afterMember: string, member: () => void): void {
    this.skipSpace();
    if (this.peek() === close) {
      this.at++;
      return;
    }
    for (;;) {
      member();
      this.skipSpace();
      const after = this.next();
      if (after === close) return;
      if (after !== ch(',')) this.fail(afterMember, after);
    }
  }

  /** The rest of a string whose opening quote was read. */
  private string(): void {
    for (;;) {
      const c = this.next();
      if (c === ch('"')) return;
      if (c < 0x20) this.fail('in string literal', c);
      if (c !== ch('\\')) continue;
      const escaped = this.next();
      if (escaped === ch('u')) {
        for (let i = 0; i < 4; i++) {
          const h = this.next();
          if (!isHex(h)) this.fail('in \\u hexadecimal character escape', h);
        }
      } else if (!ESCAPES.has(escaped)) {
        this.fail('in string escape code', escaped);
      }
    }
  }

  /** The rest of a number whose first byte (a minus or a digit) was read; stops before the byte that ends it. */
  private number(first: number): void {
    let c = first;
    if (c === ch('-')) {
      c = this.next();
      if (!isDigit(c)) this.fail('in numeric literal', c);
    }
    // A leading zero stands alone: "01" is the number 0 followed by an unexpected "1".
    if (c !== ch('0')) while (isDigit(this.peek())) this.at++;
    if (this.peek() === ch('.')) {
      this.at++;
      const d = this.next();
      if (!isDigit(d)) this.fail('after decimal point in numeric literal', d);
      while (isDigit(this.peek())) this.at++;
    }
    if (this.peek() === ch('e') || this.peek() === ch('E')) {
      this.at++;
      let d = this.next();
      if (d === ch('+') || d === ch('-')) d = this.next();
      if (!isDigit(d)) this.fail('in exponent of numeric literal', d);
      while (isDigit(this.peek())) this.at++;
    }
  }

  /** The rest of true, false or null, whose first letter was read. */
  private literal(word: string): void {
    for (const expected of word.slice(1)) {
      const c = this.next();
      if (c !== ch(expected)) this.fail(`in literal ${word} (expecting '${expected}')`, c);
    }
  }
}
