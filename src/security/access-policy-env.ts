import { readFileSync } from 'node:fs';
import { XComConfigError } from '../errors';
import { checkedPolicy, type AccessPolicy } from './access-policy';

/**
 * `XCOM_ACCESS_POLICY`: the policy as JSON (it starts with `{`), or the path of a JSON file holding it.
 * Unset: no rules beyond the defaults.
 */
export function accessPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): AccessPolicy | undefined {
  const text = env.XCOM_ACCESS_POLICY?.trim();
  if (!text) return undefined;
  const inline = text.startsWith('{');
  const source = inline ? 'XCOM_ACCESS_POLICY' : `XCOM_ACCESS_POLICY (file ${text})`;
  let json: string;
  try {
    json = inline ? text : readFileSync(text, 'utf8');
  } catch (err) {
    throw new XComConfigError(`${source}: cannot read the file: ${(err as Error).message}`, { cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new XComConfigError(`${source}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return checkedPolicy(value, source);
}
