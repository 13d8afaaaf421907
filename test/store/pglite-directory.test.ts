import { describeStoreConformance } from './conformance';

describeStoreConformance('pglite', 'directory');
