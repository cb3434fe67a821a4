/**
 * Kafka Connect's `Values.Parser` (connect-api 3.8+/4.x), the tokenizer behind
 * `SimpleHeaderConverter`: it splits a header's text at the unescaped delimiters `: , { } [ ] "`,
 * keeping everything between them (whitespace included) as one token. A backslash escapes the next
 * character and stays in the token.
 * https://github.com/apache/kafka/blob/trunk/connect/api/src/main/java/org/apache/kafka/connect/data/Values.java
 */
export class HeaderTokenizer {
  private index = 0;
  private nextToken: string | undefined;
  private previousToken: string | undefined;

  constructor(readonly original: string) {}

  position(): number {
    return this.index;
  }

  /** Where the token not yet consumed starts. */
  mark(): number {
    return this.index - (this.nextToken?.length ?? 0);
  }

  rewindTo(position: number): void {
    this.index = position;
    this.nextToken = undefined;
    this.previousToken = undefined;
  }

  hasNext(): boolean {
    return this.nextToken !== undefined || this.index < this.original.length;
  }

  next(): string {
    if (this.nextToken !== undefined) {
      this.previousToken = this.nextToken;
      this.nextToken = undefined;
    } else this.previousToken = this.consumeNextToken();
    return this.previousToken;
  }

  /** The text of the next `n` tokens, or undefined (and nothing consumed) when there are fewer. */
  nextTokens(n: number): string | undefined {
    const start = this.mark();
    for (let i = 0; i < n; i += 1) {
      if (!this.hasNext()) {
        this.rewindTo(start);
        return undefined;
      }
      this.next();
    }
    return this.original.substring(start, this.position());
  }

  previous(): string | undefined {
    return this.previousToken;
  }

  /** Consumes the next non-blank token when, trimmed, it is `expected`. */
  canConsume(expected: string): boolean {
    if (this.nextToken === undefined) {
      if (!this.hasNext()) return false;
      this.nextToken = this.consumeNextToken();
    }
    while (isBlank(this.nextToken) && this.index < this.original.length) {
      this.nextToken = this.consumeNextToken();
    }
    if (javaTrim(this.nextToken) !== expected) return false;
    this.nextToken = undefined;
    return true;
  }

  private consumeNextToken(): string {
    const text = this.original;
    const start = this.index;
    let escaped = false;
    while (this.index < text.length) {
      const c = text.charCodeAt(this.index);
      if (c === 0x5c) escaped = !escaped;
      else if (
        c === 0x3a ||
        c === 0x2c ||
        c === 0x7b ||
        c === 0x7d ||
        c === 0x5b ||
        c === 0x5d ||
        c === 0x22
      ) {
        if (!escaped) {
          if (start < this.index) return text.substring(start, this.index);
          this.index += 1;
          return text.substring(start, start + 1);
        }
        escaped = false;
      } else escaped = false;
      this.index += 1;
    }
    return text.substring(start, this.index);
  }
}

/** Java's `String.trim()`: strips every character up to U+0020 (not Unicode spaces) from both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start += 1;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end -= 1;
  return start === 0 && end === text.length ? text : text.substring(start, end);
}

/** Kafka's `Utils.isBlank`: empty once trimmed as Java trims. */
export function isBlank(text: string): boolean {
  return javaTrim(text) === "";
}
