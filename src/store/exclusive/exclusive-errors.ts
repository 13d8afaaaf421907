import { XComError } from '../../errors';

/** A task wrote a key another task owns (`exclusive: { writer }`). Retrying cannot help: the owner stays the owner. */
export class XComExclusiveWriterError extends XComError {
  constructor(
    readonly key: string,
    readonly owner: string,
    readonly writer: string,
    where: string,
    message = `XCom key '${key}' ${where} is exclusive to task '${owner}'; task '${writer}' may not write it`,
  ) {
    super('XCOM_EXCLUSIVE_WRITER', message);
  }
}

/** A task read a key whose declaration names other readers (`exclusive: { readers }`). */
export class XComExclusiveReaderError extends XComError {
  constructor(
    readonly key: string,
    readonly task: string,
    readonly readers: readonly string[],
    where: string,
  ) {
    super(
      'XCOM_EXCLUSIVE_READER',
      `XCom key '${key}' ${where} may be read only by task(s) ${readers.map((r) => `'${r}'`).join(', ')}; ` +
        `task '${task}' may not read it`,
    );
  }
}

/**
 * An entry this attempt consumed was consumed by another attempt (or replaced) before this one committed: nothing of
 * this attempt was committed. Retryable: the retry sees the entry gone (or its new version).
 */
export class XComConsumedError extends XComError {
  constructor(
    readonly key: string,
    where: string,
  ) {
    super(
      'XCOM_CONSUMED',
      `XCom key '${key}' ${where} was consumed by another attempt (or replaced) before this attempt committed; ` +
        'nothing of this attempt was committed',
    );
  }
}
