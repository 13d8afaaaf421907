import { isConnectionFailure } from '../engines/connection-failure';
import { XComStoreUnavailableError } from '../errors';

/** Where a failed S3 call went, for its message. */
export interface S3CallSite {
  readonly operation: string;
  readonly bucket: string;
  readonly key: string;
  /** `s3://bucket/prefix (endpoint)`: the object store as `xcom status` names it. */
  readonly store: string;
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'CredentialsProviderError',
]);
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeTooSkewed']);
/** The SDK's retry layer may wrap a network error in one that keeps only its message ("AWS SDK error wrapper for …"). */
const NETWORK_MESSAGE = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/;

const ENDPOINT_HINT = "Check S3_ENDPOINT (or the plugin's store.objects.endpoint) and that the service is up.";
const BUCKET_HINT = "Check S3_BUCKET (or store.objects.bucket): create the bucket, or name one that exists.";
const CREDENTIALS_HINT =
  "Check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or store.objects.credentials, or the AWS credential chain) and " +
  'that they may read and write the bucket.';

/**
 * An S3 failure that configuration or an outage explains (unreachable endpoint, missing bucket, rejected
 * credentials) as an `XComStoreUnavailableError` naming XCom, the object store and the setting to check: tasks
 * retry it, so nothing is lost while someone fixes it. Undefined for any other failure.
 */
export function explainS3Failure(site: S3CallSite, cause: unknown): XComStoreUnavailableError | undefined {
  const { name, status } = errorShape(cause);
  const reason = describeS3Error(cause);
  const at = `[bucket=${site.bucket}, key=${site.key}]`;
  const unavailable = (what: string, hint: string) =>
    new XComStoreUnavailableError(`XCom object store unavailable: ${what} ${site.store} (${site.operation} ${at}: ${reason}). ${hint}`, {
      cause,
    });
  if (unreachable(cause) || (name !== undefined && TIMEOUTS.has(name))) return unavailable('cannot reach', ENDPOINT_HINT);
  if (name === 'NoSuchBucket') return unavailable('the bucket does not exist at', BUCKET_HINT);
  if ((name !== undefined && CREDENTIAL_ERRORS.has(name)) || status === 403) return unavailable('credentials were refused by', CREDENTIALS_HINT);
  return undefined;
}

function unreachable(err: unknown): boolean {
  return isConnectionFailure(err) || (err instanceof Error && NETWORK_MESSAGE.test(err.message));
}

/** The SDK's message, with the HTTP status and error name when it has them. */
export function describeS3Error(err: unknown): string {
  const { name, status } = errorShape(err);
  const message = err instanceof Error && err.message !== '' ? err.message : (name ?? String(err));
  return status === undefined ? message : `${message} (HTTP ${status}${name === undefined ? '' : ` ${name}`})`;
}

export function errorShape(err: unknown): { name?: string; status?: number } {
  if (typeof err !== 'object' || err === null) return {};
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return {
    name: typeof e.name === 'string' ? e.name : undefined,
    status: typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined,
  };
}
