import { XComError } from '../errors';

/** A write or read the access policy does not grant. Retrying cannot help: the policy decides the same again. */
export class XComAccessDeniedError extends XComError {
  constructor(
    readonly dagId: string,
    message: string,
  ) {
    super('XCOM_ACCESS_DENIED', message);
  }
}

/** Something in a task's arguments that looks like a ref but was not made (signed) by a worker for this run. */
export class XComForgedRefError extends XComError {
  constructor(
    /** Where in the arguments: `args[0].report.data`. */
    readonly path: string,
    message: string,
  ) {
    super('XCOM_FORGED_REF', message);
  }
}
