import type { XComPluginOptions } from '../../src/plugin';

/**
 * The recording tests look at what a worker records, including workflows that never call the XCom workflow API
 * (default task ids before any withTask), and at refs for megabyte values: they record every workflow and send
 * refs from 256 KiB. record-scope.test.ts and ordinary-workflows.test.ts cover the defaults.
 */
export const RECORDING_TEST_OPTIONS = { recordAll: true, historyThresholdBytes: 256 * 1024 } as const satisfies XComPluginOptions;
