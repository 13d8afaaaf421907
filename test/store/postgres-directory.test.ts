import { describeStoreConformance } from './conformance';

describeStoreConformance('postgres', 'directory');
