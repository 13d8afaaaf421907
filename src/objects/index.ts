export type { ObjectInfo, ObjectStore } from './object-store';
export { DirectoryObjectStore, type DirectoryObjectStoreOptions } from './directory-object-store';
export { S3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store';
export {
  objectKeyFor,
  objectPrefixFor,
  parseObjectKey,
  type ObjectKeyEntry,
  type ObjectPrefixScope,
  type ParsedObjectKey,
} from './object-key';
export { assertObjectKey, assertObjectPrefix } from './object-key-rules';
