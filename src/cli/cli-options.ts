import { parseArgs } from 'node:util';
import { storeConfigFromEnv, type StoreConfig } from '../config/store-config';
import { UsageError } from './usage-error';

export interface CliOptions {
  readonly command: string | undefined;
  readonly config: StoreConfig;
  readonly dag?: string;
  readonly run?: string;
  readonly task?: string;
  readonly key?: string;
  readonly mapIndex?: number;
  readonly limit: number;
  readonly maxChars: number;
  readonly full: boolean;
  readonly json: boolean;
  readonly help: boolean;
  readonly dryRun: boolean;
  readonly grace?: string;
}

/** Parses argv (without node and the script) into options; flags win over environment variables. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        schema: { type: 'string' },
        dag: { type: 'string' },
        run: { type: 'string' },
        task: { type: 'string' },
        key: { type: 'string' },
        'map-index': { type: 'string' },
        limit: { type: 'string' },
        'max-chars': { type: 'string' },
        full: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        grace: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const config = storeConfigFromEnv({
    ...env,
    ...(values['database-url'] !== undefined && { DATABASE_URL: values['database-url'] }),
    ...(values['data-dir'] !== undefined && { XCOM_DATA_DIR: values['data-dir'] }),
    ...(values.schema !== undefined && { XCOM_SCHEMA: values.schema }),
  });
  return {
    command: positionals[0],
    config,
    dag: values.dag,
    run: values.run,
    task: values.task,
    key: values.key,
    mapIndex: optionalInteger('--map-index', values['map-index'], -1),
    limit: optionalInteger('--limit', values.limit, 1) ?? 50,
    maxChars: optionalInteger('--max-chars', values['max-chars'], 1) ?? 2000,
    full: values.full ?? false,
    json: values.json ?? false,
    help: values.help ?? false,
    dryRun: values['dry-run'] ?? false,
    grace: values.grace,
  };
}

function optionalInteger(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min) {
    throw new UsageError(`${flag} must be an integer >= ${min}, got '${raw}'`);
  }
  return Number(raw);
}
