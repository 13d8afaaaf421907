/**
 * Every error the library throws on purpose. Each has a stable string `code` (it survives Temporal's failure
 * conversion, unlike `instanceof`) and a message that names what was wrong and where.
 */
export class XComError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A dag id, run id, task id, map index or key that cannot identify an XCom. */
export class XComIdentityError extends XComError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('XCOM_INVALID_IDENTITY', message);
  }
}

/** A value that cannot be serialized: a function, a symbol, a cycle, or an unsupported class. */
export class XComSerializationError extends XComError {
  constructor(
    message: string,
    /** JSONPath-like location inside the value, for example `$.rows[3].fn`. */
    readonly path: string,
  ) {
    super('XCOM_NOT_SERIALIZABLE', message);
  }
}

/** A value larger than the configured hard cap. Retrying cannot help. */
export class XComTooLargeError extends XComError {
  constructor(
    message: string,
    readonly sizeBytes: number,
    readonly capBytes: number,
  ) {
    super('XCOM_TOO_LARGE', message);
  }
}

/** Stored bytes that do not match their digest, or a row that points at a missing object. */
export class XComIntegrityError extends XComError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('XCOM_INTEGRITY', message, options);
  }
}

/** The database holds a schema this version of the library must not touch. */
export class XComMigrationError extends XComError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('XCOM_MIGRATION', message, options);
  }
}

/** Invalid configuration: an option or environment variable with a value that cannot work. */
export class XComConfigError extends XComError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('XCOM_CONFIG', message, options);
  }
}

/** The embedded store directory is already open in another process. */
export class XComStoreLockedError extends XComError {
  constructor(message: string) {
    super('XCOM_STORE_LOCKED', message);
  }
}

/** An object key the object store does not have. */
export class XComObjectNotFoundError extends XComError {
  constructor(
    readonly objectKey: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('XCOM_OBJECT_NOT_FOUND', message, options);
  }
}

/**
 * A task argument reads an XCom key its task never pushed (Airflow's `XComNotFound`). Only keys other than
 * `return_value` of tasks without `multipleOutputs` raise it; those read as null when missing, as in Airflow.
 */
export class XComNotFound extends XComError {
  constructor(
    readonly dagId: string,
    readonly runId: string,
    readonly taskId: string,
    readonly key: string,
  ) {
    super('XCOM_ARG_NOT_FOUND', `XCom '${key}' of task '${taskId}' (DAG '${dagId}', run '${runId}') was never pushed, but a task argument reads it`);
  }
}

/** The XCom store cannot be reached: the database is down, refuses the login, or does not exist. Retried. */
export class XComStoreUnavailableError extends XComError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('XCOM_STORE_UNAVAILABLE', message, options);
  }
}
