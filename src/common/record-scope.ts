// Pure module: imported by sandboxed workflow code and by Node code alike. No imports.

/** Which workflows the plugin records besides those that opt in by calling the XCom workflow API. */
export interface RecordScope {
  /** Every workflow on the worker. */
  readonly all: boolean;
  /** Workflow types recorded from their start. */
  readonly workflowTypes: readonly string[];
}

/** The identifier the bundler replaces with the plugin's scope (see src/workflow/record-scope.ts). */
export const RECORD_SCOPE_CONSTANT = '__XCOM_RECORD_SCOPE__';
