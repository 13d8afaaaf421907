import { describeStoreConformance } from './conformance';

describeStoreConformance('pglite', 'minio');
