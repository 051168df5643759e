// A streaming syntax check of uploaded JSON: bytes go in chunk by chunk, memory stays a few bytes of
// state plus the nesting stack. DuckDB's JSON reader keeps the rows before a syntax error (a truncated
// array loads as its first rows), so uploads are checked here first, while they stream to disk.

/** 'array' = one JSON array of objects; 'lines' = NDJSON, one object per line. */
export type JsonLayout = 'array' | 'lines';

export class JsonShapeError extends Error {
  constructor(
    message: string,
    /** True when the content is not JSON of this layout at all (a wrong Content-Type), not a broken file. */
    readonly wrongFormat = false,
  ) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

const MAX_DEPTH = 1000;

const enum S {
  Top, // before the top-level value (array) or at the start of a line (lines)
  Value, // a value is expected
  ValueOrEndArray, // right after "["
  KeyOrEndObject, // right after "{"
  Key, // after "," in an object
  Colon,
  CommaOrEnd, // after a value inside a container
  Str,
  StrEscape,
  StrUnicode,
  Num,
  Literal,
  AfterTop, // the top-level value is complete
}

// Number sub-states: which characters may come next.
const enum N {
  Minus, // after "-": a digit
  Zero, // after a leading 0: ".", "e" or the end
  Int,
  Dot, // after ".": a digit
  Frac,
  E, // after "e": sign or digit
  ESign, // after the exponent sign: a digit
  Exp,
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

function show(c: number): string {
  if (c === 0x0a) return 'the end of the line';
  if (c < 0x20 || c > 0x7e) return `byte 0x${c.toString(16).padStart(2, '0')}`;
  return `"${String.fromCharCode(c)}"`;
}

/** Checks JSON syntax and shape (objects as rows) on a stream of bytes; throws JsonShapeError at the first fault. */
export class JsonShapeChecker {
  private state = S.Top;
  private stack = new Uint8Array(MAX_DEPTH); // 1 = array, 2 = object
  private depth = 0;
  private inKey = false;
  private unicodeLeft = 0;
  private num = N.Int;
  private literal = '';
  private literalPos = 0;
  private line = 1;
  private lineStart = 0; // byte offset of the current line's start
  private offset = 0; // bytes consumed before the current chunk
  private started = false; // a non-whitespace byte was seen
  /** Top-level rows (objects) seen so far. */
  rows = 0;

  constructor(private readonly layout: JsonLayout) {}

  private fail(message: string, at: number, wrongFormat = false): never {
    const column = at - this.lineStart + 1;
    throw new JsonShapeError(`line ${this.line}, column ${column}: ${message}`, wrongFormat);
  }

  private startValue(c: number, at: number): void {
    const d = this.depth;
    // Rows: array items at depth 1, or top-level values of a line.
    const isRow = this.layout === 'array' ? d === 1 : d === 0;
    if (isRow && c !== 0x7b) {
      this.fail(`expected an object (column → value) for row ${this.rows + 1}, found ${show(c)}`, at);
    }
    if (isRow) this.rows++;
    switch (c) {
      case 0x7b: // {
        this.push(2, at);
        this.state = S.KeyOrEndObject;
        return;
      case 0x5b: // [
        this.push(1, at);
        this.state = S.ValueOrEndArray;
        return;
      case 0x22: // "
        this.inKey = false;
        this.state = S.Str;
        return;
      case 0x74:
        return this.startLiteral('true');
      case 0x66:
        return this.startLiteral('false');
      case 0x6e:
        return this.startLiteral('null');
      case 0x2d:
        this.num = N.Minus;
        this.state = S.Num;
        return;
      default:
        if (c >= 0x30 && c <= 0x39) {
          this.num = c === 0x30 ? N.Zero : N.Int;
          this.state = S.Num;
          return;
        }
        this.fail(`expected a value, found ${show(c)}`, at);
    }
  }

  private startLiteral(word: string): void {
    this.literal = word;
    this.literalPos = 1;
    this.state = S.Literal;
  }

  private push(kind: number, at: number): void {
    if (this.depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`, at);
    this.stack[this.depth++] = kind;
  }

  /** After a value ended: where the parser goes next. */
  private valueDone(): void {
    this.state = this.depth === 0 ? S.AfterTop : S.CommaOrEnd;
  }

  write(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const c = chunk[i]!;
      const at = this.offset + i;
      switch (this.state) {
        case S.Str: {
          // Fast path: run to the next quote, backslash or control byte.
          let j = i;
          while (j < n) {
            const b = chunk[j]!;
            if (b === 0x22 || b === 0x5c || b < 0x20) break;
            j++;
          }
          if (j === n) {
            i = n;
            continue;
          }
          const b = chunk[j]!;
          if (b === 0x22) {
            if (this.inKey) {
              this.inKey = false;
              this.state = S.Colon;
            } else this.valueDone();
          } else if (b === 0x5c) this.state = S.StrEscape;
          else {
            this.fail(
              b === 0x0a ? 'a string is not closed before the end of the line' : `control character ${show(b)} inside a string`,
              this.offset + j,
            );
          }
          i = j + 1;
          continue;
        }
        case S.StrEscape:
          if (c === 0x75) {
            this.unicodeLeft = 4;
            this.state = S.StrUnicode;
          } else if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) {
            this.state = S.Str;
          } else this.fail(`invalid escape "\\${String.fromCharCode(c)}" in a string`, at);
          i++;
          continue;
        case S.StrUnicode:
          if (!HEX[c]) this.fail(`invalid \\u escape in a string (${show(c)} is not a hex digit)`, at);
          if (--this.unicodeLeft === 0) this.state = S.Str;
          i++;
          continue;
        case S.Num: {
          const digit = c >= 0x30 && c <= 0x39;
          let ok = true;
          switch (this.num) {
            case N.Minus:
              if (digit) this.num = c === 0x30 ? N.Zero : N.Int;
              else this.fail(`expected a digit after "-", found ${show(c)}`, at);
              break;
            case N.Zero:
            case N.Int:
              if (digit && this.num === N.Int) break;
              if (digit) this.fail('a number cannot have a leading zero', at);
              if (c === 0x2e) this.num = N.Dot;
              else if (c === 0x65 || c === 0x45) this.num = N.E;
              else ok = false;
              break;
            case N.Dot:
              if (digit) this.num = N.Frac;
              else this.fail(`expected a digit after ".", found ${show(c)}`, at);
              break;
            case N.Frac:
              if (digit) break;
              if (c === 0x65 || c === 0x45) this.num = N.E;
              else ok = false;
              break;
            case N.E:
              if (c === 0x2b || c === 0x2d) this.num = N.ESign;
              else if (digit) this.num = N.Exp;
              else this.fail(`expected an exponent, found ${show(c)}`, at);
              break;
            case N.ESign:
              if (digit) this.num = N.Exp;
              else this.fail(`expected an exponent digit, found ${show(c)}`, at);
              break;
            case N.Exp:
              if (!digit) ok = false;
              break;
          }
          if (ok) {
            i++;
            continue;
          }
          // The number ended: this byte belongs to what follows.
          this.valueDone();
          continue;
        }
        case S.Literal:
          if (c !== this.literal.charCodeAt(this.literalPos)) {
            this.fail(`invalid literal (expected "${this.literal}")`, at);
          }
          if (++this.literalPos === this.literal.length) this.valueDone();
          i++;
          continue;
      }

      // Structural states: whitespace is skipped (newlines counted, and they end an NDJSON line).
      if (WS[c]) {
        if (c === 0x0a) {
          if (this.layout === 'lines') {
            if (this.state === S.AfterTop) this.state = S.Top;
            else if (this.state !== S.Top) this.fail('the object does not end on this line (NDJSON has one object per line)', at);
          }
          this.newline(at);
        }
        i++;
        continue;
      }
      if (!this.started) {
        this.started = true;
        this.checkFirstByte(c, at);
      }
      switch (this.state) {
        case S.Top:
          if (this.layout === 'array' && c !== 0x5b) this.fail(`expected "[" (an array of objects), found ${show(c)}`, at);
          this.startValue(c, at);
          break;
        case S.Value:
          this.startValue(c, at);
          break;
        case S.ValueOrEndArray:
          if (c === 0x5d) this.closeContainer(1, at);
          else this.startValue(c, at);
          break;
        case S.KeyOrEndObject:
        case S.Key:
          if (c === 0x22) {
            this.inKey = true;
            this.state = S.Str;
          } else if (c === 0x7d && this.state === S.KeyOrEndObject) this.closeContainer(2, at);
          else this.fail(`expected a quoted key, found ${show(c)}`, at);
          break;
        case S.Colon:
          if (c !== 0x3a) this.fail(`expected ":" after a key, found ${show(c)}`, at);
          this.state = S.Value;
          break;
        case S.CommaOrEnd: {
          const top = this.stack[this.depth - 1];
          if (c === 0x2c) this.state = top === 1 ? S.Value : S.Key;
          else if (c === 0x5d && top === 1) this.closeContainer(1, at);
          else if (c === 0x7d && top === 2) this.closeContainer(2, at);
          else this.fail(`expected "," or "${top === 1 ? ']' : '}'}", found ${show(c)}`, at);
          break;
        }
        case S.AfterTop:
          this.fail(
            this.layout === 'array'
              ? `unexpected ${show(c)} after the end of the array`
              : `unexpected ${show(c)} after the object (NDJSON has one object per line)`,
            at,
          );
      }
      i++;
    }
    this.offset += n;
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  private closeContainer(kind: number, at: number): void {
    if (this.stack[this.depth - 1] !== kind) this.fail(`unexpected ${kind === 1 ? '"]"' : '"}"'}`, at);
    this.depth--;
    this.valueDone();
  }

  private checkFirstByte(c: number, at: number): void {
    if (this.layout === 'array' && c === 0x7b) {
      this.fail('this looks like NDJSON or a single object, not an array of objects; send NDJSON as application/x-ndjson', at, true);
    }
    if (this.layout === 'lines' && c === 0x5b) {
      this.fail('this looks like a JSON array, not NDJSON; send it as application/json', at, true);
    }
    if (c !== 0x5b && c !== 0x7b) {
      this.fail(`this does not look like JSON (it starts with ${show(c)}); send CSV as text/csv`, at, true);
    }
  }

  /** Call at the end of the stream: a value still open means the file was cut short. */
  end(): void {
    const at = this.offset;
    if (this.state === S.Num && this.depth === 0) this.valueDone();
    if (!this.started) this.fail('the file holds no JSON value', at);
    if (this.layout === 'array' && this.state !== S.AfterTop) {
      this.fail('the file ends before the array is closed (is it truncated?)', at);
    }
    if (this.layout === 'lines' && this.state !== S.AfterTop && this.state !== S.Top) {
      this.fail('the file ends inside an object (is it truncated?)', at);
    }
  }
}
