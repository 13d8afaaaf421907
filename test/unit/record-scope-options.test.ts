import { TASK_HEADER } from '../../src/common/task-header';
import { XComConfigError } from '../../src/errors';
import { XComRuntime } from '../../src/worker/runtime';

describe('record scope options', () => {
  it('records nothing by default beyond activities that carry the task header', () => {
    const runtime = new XComRuntime({});
    expect(runtime.recordScope).toEqual({ all: false, workflowTypes: [] });
    expect(runtime.records({})).toBe(false);
    expect(runtime.records({ [TASK_HEADER]: { data: new Uint8Array() } })).toBe(true);
  });

  it('recordAll records activities without the header too; listed types are kept for the bundle', () => {
    const runtime = new XComRuntime({ recordAll: true, recordWorkflowTypes: ['etl', 'report'] });
    expect(runtime.recordScope).toEqual({ all: true, workflowTypes: ['etl', 'report'] });
    expect(runtime.records({})).toBe(true);
  });

  it('a list with an empty or non-string type is a configuration error naming the option', () => {
    for (const bad of [[''], [1], 'etl']) {
      expect(() => new XComRuntime({ recordWorkflowTypes: bad as never })).toThrow(XComConfigError);
      expect(() => new XComRuntime({ recordWorkflowTypes: bad as never })).toThrow(/recordWorkflowTypes must be a list of workflow type names/);
    }
  });
});
