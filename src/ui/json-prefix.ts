import { TAG } from '../codec/json-tags';
import type { Mask, ValuePath } from './masking';
import type { PreviewLimits, PreviewNode } from './preview-node';

/** Thrown when the text is not the start of any JSON value. */
export class JsonPrefixError extends Error {
  override readonly name = 'JsonPrefixError';
}

/**
 * Parses the start of a JSON text (the first bytes of a large value) into a bounded preview tree. `complete` says
 * the text is the whole value; otherwise running out of text inside a value marks that value as incomplete instead
 * of failing. Work and memory are bounded by the text's length: items past the limits are scanned and counted,
 * never built, and containers past `maxDepth` are skipped without recursion.
 */
export function parseJsonPrefix(text: string, complete: boolean, limits: PreviewLimits, mask: Mask, root: ValuePath): PreviewNode {
  return new PrefixParser(text, complete, limits, mask).value(root, 0);
}

const WHITESPACE = /[ \t\n\r]/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class PrefixParser {
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly whole: boolean,
    private readonly limits: PreviewLimits,
    private readonly mask: Mask,
  ) {}

  /** True when the text ran out (a value left open at the end of a prefix). */
  private get ended(): boolean {
    return this.i >= this.text.length;
  }

  value(path: ValuePath, depth: number): PreviewNode {
    this.space();
    if (this.ended) return this.cutOrFail('a value');
    const c = this.text[this.i];
    if (c === '{' || c === '[') {
      if (depth >= this.limits.maxDepth) return this.skip();
      return c === '{' ? this.object(path, depth) : this.array(path, depth);
    }
    if (c === '"') return this.string();
    return this.scalar();
  }

  private object(path: ValuePath, depth: number): PreviewNode {
    this.i++; // {
    const entries: { key: string; value: PreviewNode }[] = [];
    let count = 0;
    for (;;) {
      this.space();
      if (this.ended) return this.open({ kind: 'object', entries, count, complete: false });
      if (this.text[this.i] === '}') break;
      if (count > 0) {
        this.expect(',');
        this.space();
        if (this.ended) return this.open({ kind: 'object', entries, count, complete: false });
      }
      const key = this.string();
      if (key.kind !== 'string' || !key.complete) return this.open({ kind: 'object', entries, count, complete: false });
      this.space();
      if (this.ended) return this.open({ kind: 'object', entries, count, complete: false });
      this.expect(':');
      const keyPath = [...path, key.value];
      const shown = entries.length < this.limits.maxItems;
      const masked = this.mask(keyPath);
      const node = shown && !masked ? this.value(keyPath, depth + 1) : this.skip();
      count++;
      if (shown) entries.push({ key: key.value, value: masked ? { kind: 'masked' } : node });
      if (node.kind === 'cut' || isOpen(node)) return { kind: 'object', entries, count, complete: false };
    }
    this.i++; // }
    return asTag(entries) ?? { kind: 'object', entries, count, complete: true };
  }

  private array(path: ValuePath, depth: number): PreviewNode {
    this.i++; // [
    const items: PreviewNode[] = [];
    let count = 0;
    for (;;) {
      this.space();
      if (this.ended) return this.open({ kind: 'array', items, count, complete: false });
      if (this.text[this.i] === ']') break;
      if (count > 0) {
        this.expect(',');
        this.space();
        if (this.ended) return this.open({ kind: 'array', items, count, complete: false });
      }
      const shown = items.length < this.limits.maxItems;
      const node = shown ? this.value([...path, count], depth + 1) : this.skip();
      if (node.kind === 'cut') return { kind: 'array', items, count, complete: false };
      count++;
      if (shown) items.push(node);
      if (isOpen(node)) return { kind: 'array', items, count, complete: false };
    }
    this.i++; // ]
    return { kind: 'array', items, count, complete: true };
  }

  private string(): PreviewNode {
    if (this.text[this.i] !== '"') throw this.error('a string');
    this.i++;
    let value = '';
    let length = 0;
    while (!this.ended) {
      const c = this.text[this.i]!;
      if (c === '"') {
        this.i++;
        return { kind: 'string', value, length, complete: true };
      }
      let char = c;
      if (c === '\\') {
        const escape = this.text[this.i + 1];
        if (escape === undefined) break;
        if (escape === 'u') {
          const hex = this.text.slice(this.i + 2, this.i + 6);
          if (hex.length < 4) break;
          char = String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else {
          char = ESCAPES[escape] ?? escape;
          this.i += 2;
        }
      } else {
        this.i++;
      }
      if (length < this.limits.maxStringChars) value += char;
      length++;
    }
    this.i = this.text.length;
    return this.open({ kind: 'string', value, length, complete: false });
  }

  private scalar(): PreviewNode {
    const rest = this.text.slice(this.i, this.i + 400);
    if (!this.whole && this.i + rest.length === this.text.length && /^[^,\]}\s]*$/.test(rest)) {
      // The token runs into the end of a prefix ("tr", "-1.", "12" of "1234"): cut, not guessed and not an error.
      if (isTokenStart(rest)) return this.cutHere();
      throw this.error('a value');
    }
    const token = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(rest)?.[0];
    if (token === undefined) throw this.error('a value');
    this.i += token.length;
    if (token === 'null') return { kind: 'null' };
    if (token === 'true' || token === 'false') return { kind: 'boolean', value: token === 'true' };
    return { kind: 'number', value: token };
  }

  /** Steps over one value without building it (iteratively, so depth costs no stack); `cut` if the text ends inside. */
  private skip(): PreviewNode {
    this.space();
    let depth = 0;
    while (!this.ended) {
      const c = this.text[this.i]!;
      if (c === '"') {
        if (isOpen(this.string())) return { kind: 'cut' };
      } else if (c === '{' || c === '[') {
        depth++;
        this.i++;
      } else if (c === '}' || c === ']') {
        if (depth === 0) throw this.error('a value');
        depth--;
        this.i++;
      } else if (depth > 0) {
        this.i++;
      } else {
        const node = this.scalar();
        if (node.kind === 'cut') return node;
      }
      if (depth === 0) return { kind: 'deep' };
    }
    return this.cutOrFail('a value');
  }

  private space(): void {
    while (!this.ended && WHITESPACE.test(this.text[this.i]!)) this.i++;
  }

  private expect(char: string): void {
    if (this.text[this.i] !== char) throw this.error(`'${char}'`);
    this.i++;
  }

  /** A value left open by the end of the text: fine for a prefix, an error in a whole value. */
  private open<N extends PreviewNode>(node: N): N {
    if (this.whole) throw this.error('the rest of the value');
    return node;
  }

  private cutHere(): PreviewNode {
    this.i = this.text.length;
    return { kind: 'cut' };
  }

  private cutOrFail(what: string): PreviewNode {
    if (this.whole) throw this.error(what);
    return { kind: 'cut' };
  }

  private error(expected: string): JsonPrefixError {
    const at = this.ended ? 'the end of the text' : `${JSON.stringify(this.text.slice(this.i, this.i + 20))}`;
    return new JsonPrefixError(`expected ${expected} at character ${this.i}, found ${at}`);
  }
}

function isTokenStart(rest: string): boolean {
  return ['true', 'false', 'null'].some((literal) => literal.startsWith(rest)) || /^-?(\d+(\.\d*)?([eE][+-]?\d*)?)?$/.test(rest);
}

function isOpen(node: PreviewNode): boolean {
  return 'complete' in node && !node.complete;
}

/** `{"$xcom":"Date","v":…}` and the other tags of json-tags.ts, drawn as their type. */
function asTag(entries: readonly { key: string; value: PreviewNode }[]): PreviewNode | undefined {
  const [first, second] = entries;
  if (first?.key !== TAG || first.value.kind !== 'string') return undefined;
  return second?.key === 'v' ? { kind: 'tagged', type: first.value.value, value: second.value } : { kind: 'tagged', type: first.value.value };
}
