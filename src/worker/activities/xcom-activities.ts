import type { RunnerRecordRequest, WorkflowPullRequest, XComActivities } from '../../common/xcom-activities';
import type { ItemSource } from '../../common/arg-refs';
import { entryRef, type XComRef } from '../../common/xcom-ref';
import { RETURN_VALUE_KEY } from '../../store/identity';
import { itemSourceLength } from '../resolve-items';
import { toApplicationFailure } from '../to-application-failure';
import { pullXCom } from '../../pull';
import { guardedReads } from '../exclusive/guarded-reads';
import { loadRef } from '../resolve-refs';
import { refifyingBackend } from '../refifying-backend';
import type { XComRuntime } from '../runtime';
import { admitItemSource } from '../../security/admit-refs';
import { createXComWaitActivities } from './xcom-wait-activities';
import { workflowCaller } from './workflow-caller';

/** The activities the plugin registers; workflow code calls them as local activities (see `temporal-xcom/workflow`). */
export function createXComActivities(runtime: XComRuntime): XComActivities {
  return {
    ...createXComWaitActivities(runtime),
    async __xcom_pull(request: WorkflowPullRequest): Promise<unknown> {
      try {
        const { security, info, reader } = await workflowCaller(runtime, request.dagId, 'pull in workflow code', request.runId);
        security.assertRead(info, reader, request.options.dagId ?? request.dagId, 'pull in workflow code');
        // The result lands in workflow history: values at or above the threshold travel as refs.
        // Workflow code is no task: it reads no key whose declaration names its readers.
        const guarded = guardedReads(await runtime.store(), { dagId: reader.dagId, taskId: null });
        const store = refifyingBackend(guarded, runtime.historyThresholdBytes, (ref) => security.sign(ref));
        const caller = {
          dagId: request.dagId,
          runId: request.runId,
          taskId: request.dagId,
          mapIndex: -1,
          logicalDate: request.logicalDate ? new Date(request.logicalDate) : undefined,
        };
        return await pullXCom(store, caller, request.options);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_resolve(ref: XComRef, readerDagId?: string): Promise<unknown> {
      try {
        const { security, info, reader } = await workflowCaller(runtime, readerDagId, 'resolve in workflow code');
        security.assertRef(info, reader, ref, 'the ref', 'resolve in workflow code');
        return await loadRef(guardedReads(await runtime.store(), { dagId: reader.dagId, taskId: null }), ref);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_record(request: RunnerRecordRequest): Promise<XComRef | null> {
      const { dagId, runId, taskId, mapIndex, fence } = request;
      const logicalDate = new Date(request.logicalDate);
      try {
        const { security, info } = await workflowCaller(runtime, dagId, `recording task '${taskId}'`, runId);
        await security.admitWriter(info, { dagId, runId, taskId }, `recording task '${taskId}'`);
        const written = await (await runtime.store()).commit(
          request.entries.map(([key, value]) => ({ dagId, runId, taskId, mapIndex, key, value, attempt: 0, fence, logicalDate })),
        );
        const returned = written.find((w) => w.identity.key === RETURN_VALUE_KEY);
        const value = request.entries.find(([key]) => key === RETURN_VALUE_KEY)?.[1];
        return returned ? security.sign(entryRef({ ...returned.identity, sizeBytes: returned.sizeBytes, digest: returned.digest }, value)) : null;
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
    async __xcom_length(source: ItemSource, readerDagId?: string): Promise<number> {
      try {
        const { security, info, reader } = await workflowCaller(runtime, readerDagId, 'expanding a mapped task');
        admitItemSource(security, info, reader, source, 'the mapped input', 'expanding a mapped task');
        return await itemSourceLength({ store: await runtime.store(), mapFunctions: runtime.mapFunctions }, source);
      } catch (err) {
        throw toApplicationFailure(err);
      }
    },
  };
}
