/** HTML the page built itself: interpolated into `html` as it is. Everything else is escaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute (values and ids are untrusted data). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

/**
 * A template tag that escapes every interpolated string and number; arrays are joined, `null`, `undefined` and
 * `false` print nothing, and only `SafeHtml` (what `html` returns) passes through unescaped.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

function render(value: Interpolated): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return (value as readonly Interpolated[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A path of the page with each segment escaped for a URL (keys may contain `/`). */
export function pagePath(...segments: readonly (string | number)[]): string {
  return segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** `?a=1&b=2` from the defined entries, or ''. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  if (defined.length === 0) return '';
  return `?${new URLSearchParams(defined.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}
