import { describeStoreConformance } from './conformance';

describeStoreConformance('postgres', 'minio');
