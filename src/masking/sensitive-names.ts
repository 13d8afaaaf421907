/**
 * Which XCom keys and value paths are shown as `***` outside tasks (CLI, web page). A path starts with the XCom key
 * and continues with the object keys and array indexes inside the value: `['credentials', 'db', 'password']`.
 * Tasks always receive values unmasked: masking is for people and logs, not for data flow.
 */
export type ValuePath = readonly (string | number)[];
export type Mask = (path: ValuePath) => boolean;

export const MASKED_TEXT = '***';
export const SENSITIVE_NAMES_SETTING = 'XCOM_SENSITIVE_NAMES';

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

/** Hides a path whose last name contains one of `names` (Airflow's list plus `extra`), in any case. */
export function sensitiveMask(extra: readonly string[] = []): Mask {
  const names = [...SENSITIVE_NAMES, ...extra.map((n) => n.trim().toLowerCase()).filter((n) => n !== '')];
  return (path) => {
    const last = path.at(-1);
    if (typeof last !== 'string') return false;
    const name = last.toLowerCase();
    return names.some((sensitive) => name.includes(sensitive));
  };
}

/** Airflow's names plus those in `XCOM_SENSITIVE_NAMES` (comma-separated), like Airflow's `sensitive_var_conn_names`. */
export function maskFromEnv(env: Record<string, string | undefined>): Mask {
  return sensitiveMask((env[SENSITIVE_NAMES_SETTING] ?? '').split(','));
}

export const defaultMask: Mask = sensitiveMask();

/** Shows everything. */
export const noMask: Mask = () => false;
