/**
 * What a browser-like bundler (the workflow bundler is one: webpack with its default target) gets for
 * `temporal-xcom` instead of the Node entry, through the `browser` condition of the package's exports:
 * loading it says which entry to import.
 * @module
 */
import { NODE_ENTRY_IN_WORKFLOW_MESSAGE } from './common/node-entry-message';

throw new Error(NODE_ENTRY_IN_WORKFLOW_MESSAGE);
