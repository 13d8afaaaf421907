import type { RunnerRecordRequest, WorkflowPullRequest, XComActivities } from '../../common/xcom-activities';
import type { ItemSource } from '../../common/arg-refs';
import { entryRef, type XComRef } from '../../common/xcom-ref';
import { RETURN_VALUE_KEY } from '../../store/identity';
import { itemSourceLength } from '../resolve-items';
import { toApplicationFailure } from '../to-application-failure';
import { pullXCom } from '../../pull';
import { loadRef } from '../resolve-refs';
import { refifyingBackend } from '../refifying-backend';
import type { XComRuntime } from '../runtime';
import { createXComWaitActivities } from './xcom-wait-activities';

/** The activities the plugin registers; workflow code calls them as local activities (see `temporal-xcom/workflow`). */
export function createXComActivities(runtime: XComRuntime): XComActivities {
  return {
    ...createXComWaitActivities(runtime),
    async __xcom_pull(request: WorkflowPullRequest): Promise<unknown> {
      // The result lands in workflow history: values at or above the threshold travel as refs.
      const store = refifyingBackend(await runtime.store(), runtime.historyThresholdBytes);
      const caller = {
        dagId: request.dagId,
        runId: request.runId,
        taskId: request.dagId,
        mapIndex: -1,
        logicalDate: request.logicalDate ? new Date(request.logicalDate) : undefined,
      };
      return pullXCom(store, caller, request.options);
    },
    async __xcom_resolve(ref: XComRef): Promise<unknown> {
      return loadRef(await runtime.store(), ref);
    },
    async __xcom_record(request: RunnerRecordRequest): Promise<XComRef | null> {
      const { dagId, runId, taskId, mapIndex, fence } = request;
      const logicalDate = new Date(request.logicalDate);
      try {
        const written = await (await runtime.store()).commit(
          request.entries.map(([key, value]) => ({ dagId, runId, taskId, mapIndex, key, value, attempt: 0, fence, logicalDate })),
        );
        const returned = written.find((w) => w.identity.key === RETURN_VALUE_KEY);
        const value = request.entries.find(([key]) => key === RETURN_VALUE_KEY)?.[1];
        return returned ? entryRef({ ...returned.identity, sizeBytes: returned.sizeBytes, digest: returned.digest }, value) : null;
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_length(source: ItemSource): Promise<number> {
      try {
        return await itemSourceLength({ store: await runtime.store(), mapFunctions: runtime.mapFunctions }, source);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
  };
}
