/** Airflow's historic default database limit for one XCom (48 KB): values at or above it go to the object store. */
export const DEFAULT_INLINE_THRESHOLD_BYTES = 48 * 1024;
/** Values above this fail: a JS string cannot hold much more, and a task result that big belongs in a dataset. */
export const DEFAULT_MAX_VALUE_BYTES = 512 * 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]} (${bytes} bytes)`;
}
