import { XComStoreUnavailableError } from '../errors';

/** Node's network errors that mean the server was never reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
/** SQLSTATEs for the same: connection exceptions (class 08), shutdowns, a bad login, a missing database. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '28000', '28P01', '3D000']);
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout expired|Client has encountered a connection error/i;

/** Whether `err` says a server was never reached or went away (not that it answered with an error). */
export function isConnectionFailure(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
  // AggregateError (a host with several addresses): every attempt failed.
  const errors = (err as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isConnectionFailure)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGES.test(message);
}

/**
 * Turns a failure to reach the Postgres server into an error that names XCom, the server and the setting to check,
 * instead of a bare `connect ECONNREFUSED`. Other errors pass through unchanged.
 */
export function explainConnectionFailure(err: unknown, server: string, check: string = DATABASE_URL_HINT): unknown {
  if (err instanceof XComStoreUnavailableError || !isConnectionFailure(err)) return err;
  const e = err as { message?: unknown; code?: unknown; errors?: { message?: unknown }[] };
  const reason = typeof e.message === 'string' && e.message !== '' ? e.message : String(e.errors?.[0]?.message ?? e.code);
  return new XComStoreUnavailableError(`XCom store unavailable: cannot reach its Postgres database at ${server} (${reason}). ${check}`, {
    cause: err,
  });
}

const DATABASE_URL_HINT =
  "Check DATABASE_URL (or the plugin's store.database option) and that the server is up; unset DATABASE_URL to use " +
  'the embedded store in XCOM_DATA_DIR instead.';
