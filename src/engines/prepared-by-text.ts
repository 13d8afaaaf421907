import { createHash } from 'node:crypto';
import type { QueryOptions } from './sql-engine';

const names = new Map<string, QueryOptions>();
/** Distinct statement texts named so far; past this, statements run unnamed (a runaway caller cannot grow the map). */
const MAX_NAMES = 2000;

/**
 * Query options that keep a statement prepared under a name derived from its text: for hot reads whose text
 * depends on which filters are set (a few dozen shapes, values always bound as parameters). Parsing and planning
 * them costs more than running them; a prepared statement plans once per connection and then per Postgres's
 * plan_cache_mode (custom plans first, a generic one when it is as cheap).
 */
export function preparedByText(sql: string): QueryOptions | undefined {
  let options = names.get(sql);
  if (!options && names.size < MAX_NAMES) {
    options = { prepareAs: `xcom_q_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}` };
    names.set(sql, options);
  }
  return options;
}
