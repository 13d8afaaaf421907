import { XComError } from '../errors';

/** SQLSTATE foreign_key_violation. */
const FOREIGN_KEY_VIOLATION = '23503';

/** The sweeper removed an object between its upload and the commit that would point at it. */
export class XComObjectCollectedError extends XComError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('XCOM_OBJECT_COLLECTED', message, options);
  }
}

/**
 * Turns the database's error for a commit into one a user can act on. The only foreign key a commit can break on
 * its own is `entries → objects`: the object sweeper collected the object because the upload-to-commit window
 * outlasted its grace period. Nothing points at a missing object; the attempt fails and its retry uploads again.
 */
export function explainCommitFailure(err: unknown, objectStore: string): unknown {
  const pg = err as { code?: string; constraint?: string; message?: string };
  if (pg?.code === FOREIGN_KEY_VIOLATION && pg.constraint === 'entries_object_fkey') {
    return new XComObjectCollectedError(
      `XCom commit refused: an object it uploaded to ${objectStore} was collected by the object sweeper before the ` +
        'commit (the upload took longer than the sweeper\'s grace period, objectGracePeriodMs / XCOM_OBJECT_GRACE). ' +
        'Nothing was written; a retry uploads it again.',
      { cause: err },
    );
  }
  return err;
}
