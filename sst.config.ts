// The SST app: configuration only. Everything it deploys is in stacks/aws.ts and
// infra/; types for the globals used here are in infra/sst-platform.d.ts.
export default $config({
  app(input) {
    const production = input?.stage === 'production';
    return {
      name: 'paperlane',
      home: 'aws',
      // Production keeps its data (table, bucket, queues) if the stage is removed.
      removal: production ? 'retain' : 'remove',
      protect: production,
    };
  },
  async run() {
    const { awsStack } = await import('./stacks/aws');
    return awsStack();
  },
});
