import { bundleWorkflowCode } from '@temporalio/worker';
import { NODE_ENTRY_IN_WORKFLOW_MESSAGE } from '../../src/common/node-entry-message';
import { XComPlugin } from '../../src/plugin';

const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };

function bundle(fixture: string) {
  return bundleWorkflowCode({ workflowsPath: require.resolve(fixture), plugins: [new XComPlugin()], logger: quiet });
}

describe('workflow code importing the Node entry', () => {
  test('by path: the bundle fails with one message naming temporal-xcom/workflow', async () => {
    await expect(bundle('../fixtures/node-entry/imports-node-entry')).rejects.toThrow(NODE_ENTRY_IN_WORKFLOW_MESSAGE);
  });

  test("by package name: the bundler gets the guard through the exports' browser condition", async () => {
    await expect(bundle('../fixtures/node-entry/imports-package.mjs')).rejects.toThrow(NODE_ENTRY_IN_WORKFLOW_MESSAGE);
  });

  test('without the plugin, loading the guard says the same', () => {
    expect(() => jest.requireActual('../../src/node-entry-guard')).toThrow(NODE_ENTRY_IN_WORKFLOW_MESSAGE);
  });
});
