/**
 * Which parts of a value the page hides as `***`. A path starts with the XCom key and continues with the object
 * keys and array indexes inside the value: `['credentials', 'db', 'password']`, `['rows', 3, 'token']`.
 * Masking the bare key (`['api_token']`) hides the whole value, and its download.
 *
 * This is the one seam for masking: a later security change replaces `defaultMask` or passes its own `Mask` to
 * `startUiServer`; nothing else in the page decides what is sensitive.
 */
export type ValuePath = readonly (string | number)[];
export type Mask = (path: ValuePath) => boolean;

/** Airflow's default sensitive field names (`DEFAULT_SENSITIVE_FIELDS`); like Airflow, a name matches as a substring. */
export const SENSITIVE_NAMES: readonly string[] = [
  'access_token',
  'api_key',
  'apikey',
  'authorization',
  'passphrase',
  'passwd',
  'password',
  'private_key',
  'secret',
  'token',
  'keyfile_dict',
  'service_account',
];

/** Hides a path whose last name contains one of Airflow's sensitive names, in any case. */
export const defaultMask: Mask = (path) => {
  const last = path.at(-1);
  if (typeof last !== 'string') return false;
  const name = last.toLowerCase();
  return SENSITIVE_NAMES.some((sensitive) => name.includes(sensitive));
};

/** Shows everything. */
export const noMask: Mask = () => false;

export const MASKED_TEXT = '***';
