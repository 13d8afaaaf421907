/**
 * A bounded, typed tree of the start of a JSON value: what the page draws and `/api/…/preview` returns. Containers
 * and strings longer than the limits keep their first items or characters and say how many there are; a value the
 * preview's bytes end inside is marked incomplete, with the counts seen so far.
 */
export type PreviewNode =
  | { readonly kind: 'null' }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** The number as written (big integers and exponents stay exact). */
  | { readonly kind: 'number'; readonly value: string }
  /** `length`: characters seen; the whole string's length when `complete`. `value` is cut to the string limit. */
  | { readonly kind: 'string'; readonly value: string; readonly length: number; readonly complete: boolean }
  /** `count`: items seen; all of them when `complete`. `items` holds the first few. */
  | { readonly kind: 'array'; readonly items: readonly PreviewNode[]; readonly count: number; readonly complete: boolean }
  | {
      readonly kind: 'object';
      readonly entries: readonly { readonly key: string; readonly value: PreviewNode }[];
      readonly count: number;
      readonly complete: boolean;
    }
  /** A tagged value of temporal-xcom's JSON (Date, BigInt, Map, Set, Buffer, …) with its payload. */
  | { readonly kind: 'tagged'; readonly type: string; readonly value?: PreviewNode }
  /** Hidden by the mask. */
  | { readonly kind: 'masked' }
  /** The preview's bytes end before this value does (or starts). */
  | { readonly kind: 'cut' }
  /** Nested deeper than the preview draws. */
  | { readonly kind: 'deep' };

export interface PreviewLimits {
  /** Items of an array or entries of an object drawn; the rest are counted. */
  readonly maxItems: number;
  /** Characters of a string drawn; the rest are counted. */
  readonly maxStringChars: number;
  /** Containers nested deeper are drawn as `deep`. */
  readonly maxDepth: number;
}

export const DEFAULT_PREVIEW_LIMITS: PreviewLimits = { maxItems: 50, maxStringChars: 200, maxDepth: 20 };
