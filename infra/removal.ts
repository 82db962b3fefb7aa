/**
 * Resource options that keep a stateful resource when its stage is removed, if the
 * app says so (`removal: 'retain'` in sst.config.ts). SST retains only DynamoDB
 * tables and S3 buckets on `retain` (and everything on `retain-all`); queues hold
 * jobs not yet run and the KMS key is the only way to open stored secrets, so infra
 * asks for them explicitly. A component passes it on to its child resources.
 */
export function keepOnRemoval(): { retainOnDelete: boolean } {
  return { retainOnDelete: $app.removal !== 'remove' };
}
