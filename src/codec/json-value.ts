import { XComSerializationError } from '../errors';
import type { ValueLocation } from './encoded-value';
import { reviveTags } from './json-decode';
import { isPlainJson, tagReplacer } from './json-encode';
import { findProblem } from './json-problem';
import { TAG, UNDEFINED_TAG } from './json-tags';
import { describeLocation } from './location';

const SUPPORTED =
  'Supported: JSON values, Date, BigInt, NaN/Infinity/-0, undefined in arrays, Uint8Array/Buffer and other typed ' +
  'arrays, ArrayBuffer, DataView, Map, Set, and objects with toJSON().';

/**
 * Serializes a value to JSON text in which Date, BigInt, NaN, ±Infinity, -0, undefined array elements and holes,
 * Buffer, Uint8Array and other typed arrays, ArrayBuffer, DataView, Map and Set survive a round trip through
 * {@link fromJsonText}, nested anywhere (see json-tags.ts for the tagged forms).
 *
 * As with JSON, object properties whose value is undefined are dropped, symbol-keyed properties are ignored, and
 * objects with `toJSON()` are serialized through it (Date and Buffer excepted: they keep their type).
 * Functions, symbols, cycles and instances of other classes throw an {@link XComSerializationError} naming the
 * entry (from `location`), the offending type, and its path inside the value, such as `$.rows[3].fn`.
 */
export function toJsonText(value: unknown, location?: ValueLocation): string {
  if (value === undefined) return JSON.stringify(UNDEFINED_TAG);
  let text: string | undefined;
  try {
    text = scanIsPlain(value) ? JSON.stringify(value) : JSON.stringify(value, tagReplacer);
  } catch (error) {
    throw explain(value, error, location);
  }
  // Only a root whose toJSON() returned undefined gets here.
  return text ?? JSON.stringify(UNDEFINED_TAG);
}

/** Parses text written by {@link toJsonText}. Text without tags skips the revive walk entirely. */
export function fromJsonText(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return text.includes(`"${TAG}"`) ? reviveTags(parsed) : parsed;
}

function scanIsPlain(value: unknown): boolean {
  try {
    return isPlainJson(value);
  } catch {
    // A cycle or very deep nesting overflowed the stack: let the careful path report it.
    return false;
  }
}

/** Turns a failed JSON.stringify into an error that says which entry, what, and where. */
function explain(value: unknown, error: unknown, location?: ValueLocation): XComSerializationError {
  const where = describeLocation(location);
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /string length/i.test(reason)) {
    return new XComSerializationError(
      `Cannot serialize ${where}: its JSON is longer than the JavaScript engine's string limit (~512 MB).`,
      '$',
    );
  }
  let problem;
  try {
    problem = findProblem(value);
  } catch (walkError) {
    // The walker overflows where JSON.stringify did: nesting deeper than the stack allows.
    if (!(walkError instanceof RangeError)) throw walkError;
  }
  if (!problem) {
    const deep = error instanceof RangeError && /call stack/i.test(reason);
    return new XComSerializationError(
      deep ? `Cannot serialize ${where}: it is nested too deeply for JSON (${reason}).` : `Cannot serialize ${where}: ${reason}`,
      '$',
    );
  }
  const message =
    problem.kind === 'cycle'
      ? `Cannot serialize ${where}: it contains a cycle: the value at ${problem.path} refers back to ${problem.refersTo}.`
      : problem.kind === 'threw'
        ? `Cannot serialize ${where}: reading the value at ${problem.path} failed, ${problem.what}`
        : `Cannot serialize ${where}: ${problem.what} at ${problem.path} is not serializable. ${SUPPORTED}`;
  return new XComSerializationError(message, problem.path);
}
