// The SST app: configuration only. Everything it deploys is in stacks/aws.ts and
// infra/; types for the globals used here are in infra/sst-platform.d.ts.
export default $config({
  app(input) {
    const production = input?.stage === 'production';
    return {
      name: 'paperlane',
      home: 'aws',
      // Production keeps its data if the stage is removed: SST retains the table and
      // bucket; infra/removal.ts asks the same for the queues and the KMS key.
      removal: production ? 'retain' : 'remove',
      protect: production,
    };
  },
  async run() {
    const { awsStack } = await import('./stacks/aws');
    return awsStack();
  },
});
