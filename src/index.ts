/**
 * temporal-xcom: Apache Airflow's XCom for Temporal (Node side: plugin, activity API, client, store).
 * Workflow code imports `temporal-xcom/workflow` instead.
 * @module
 */
export { XComPlugin, type XComPluginOptions } from './plugin';
export { xcom } from './worker/xcom-api';
export type { TaskInstance } from './worker/task-instance';
export { DEFAULT_HISTORY_THRESHOLD_BYTES } from './worker/runtime';
export { XComClient, type XComClientOptions, type EntryAddress, type ClientPullOptions } from './client/xcom-client';
export type { ClientWaitOptions, ClientWaitResult } from './client/client-wait';
export type { WaitForXComTarget, WaitForXComResult, FoundXCom, XComWaitTimedOut } from './common/xcom-wait';
export type { TriggerDagRunOptions, TriggerDagRunByIdOptions, TriggerWorkflowOptions, TriggeredDagRun, RefOptions } from './worker/trigger-dag-run';
export { XComSkip, isXComSkip } from './common/xcom-skip';
export { TRIGGER_RUN_ID_KEY } from './worker/trigger-dag-run';
export type { AccessPolicy, AccessRule } from './security/access-policy';
export type { SigningKeyInput } from './security/signing-key';
export { XComAccessDeniedError, XComForgedRefError } from './security/security-errors';
export type { DeliveryOptions } from './subscriptions/delivery-loop';
export { isXComRef, type XComRef, type XComResult } from './common/xcom-ref';
export type { TaskOptions } from './common/task-header';
export type { PullOptions, LazyXComSequence } from './pull';

export { XComStore, type XComStoreOptions } from './store/xcom-store';
export type { XComBackend } from './store/backend';
export type { ByteSource } from './store/stream/byte-source';
export type { PullStreamOptions, PushOptions } from './worker/task-attempt';
export type { ConsumeOptions } from './worker/exclusive/consume';
export type { ExclusiveDeclaration } from './store/exclusive/exclusive-declaration';
export { XComConsumedError, XComExclusiveReaderError, XComExclusiveWriterError } from './store/exclusive/exclusive-errors';
export type * from './store/types';
export type * from './store/retention/types';
export type { Retention } from './store/retention/retention-class';
export { isRetentionBackend, type RetentionBackend } from './store/retention/retention-backend';
export type { SweepOptions, SweepResult, SweepProgress } from './store/object-sweeper';
export { RETURN_VALUE_KEY, type XComIdentity } from './store/identity';
export { DEFAULT_INLINE_THRESHOLD_BYTES, DEFAULT_MAX_VALUE_BYTES } from './store/limits';
export { openXComStore, type OpenStoreOptions } from './config/open-store';
export { storeConfigFromEnv, STORE_ENV_VARS, type StoreConfig } from './config/store-config';
export { createPostgresEngine, type PostgresEngineOptions } from './engines/postgres-engine';
export { createPgliteEngine, type PgliteEngineOptions } from './engines/pglite-engine';
export { openEmbeddedEngine } from './engines/open-embedded-store';
export type { SqlEngine, SqlExecutor } from './engines/sql-engine';
export { migrate, schemaStatus, type MigrationResult, type SchemaStatus } from './migrations/migrate';
export { S3ObjectStore, DirectoryObjectStore, type ObjectStore, type ObjectInfo } from './objects';
export { createValueCodec, type ValueCodec } from './codec';
export {
  encryptionKeyring,
  parseEncryptionKeys,
  type EncryptionKey,
  type EncryptionKeyring,
} from './codec/encryption-keys';
export * from './errors';
export { createDagSchedule, NO_CATCHUP_WINDOW, type DagScheduleOptions } from './client/dag-schedule';
export { createCleanupSchedule, type CleanupScheduleOptions } from './client/cleanup-schedule';
export type { CleanupPlan, CleanupReport, CleanupStepReport } from './common/cleanup-plan';
export { DagValidationError } from './dag/dag-validation-error';
export { DagScheduleError, scheduleSpecFor, SCHEDULE_PRESETS } from './dag/schedule-spec';
export type { DagDefinition } from './dag/define-dag';
export { DAG_RUN_QUERY, type DagRunSnapshot, type TaskRunSnapshot } from './common/dag-run-snapshot';
