import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config';
import { childEnv, childExecArgv, plannedRoles } from './plan';
import { loadSupervisorSettings } from './settings';

const base = { DATA_DIR: '/tmp/x' };

describe('which children npm start runs, and how', () => {
  it('embedded: every role; with Redis dynalite stays embedded; with every endpoint external, no emulators', () => {
    expect(plannedRoles(loadConfig(base))).toEqual(['emulators', 'api', 'documents', 'integrations']);
    const redis = loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect([plannedRoles(redis)[0], redis.embed]).toEqual([
      'emulators',
      { dynamodb: true, sqs: false, files: true },
    ]);
    const external = loadConfig({ ...base, AWS_ENDPOINT_URL: 'http://localhost:4566' });
    expect(plannedRoles(external)).toEqual(['api', 'documents', 'integrations']);
  });

  it("points every child at the emulators' endpoints and fixes the API port; the emulators get their ports", () => {
    const config = loadConfig(base);
    const options = {
      config,
      endpoints: { dynamodb: 'http://127.0.0.1:4001', sqs: 'http://localhost:4002' },
      apiPort: 4100,
      emulatorPorts: { dynamodb: 4001, sqs: 4002 },
    };
    const api = childEnv('api', base, options);
    expect(api).toMatchObject({
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:4001',
      AWS_ENDPOINT_URL_SQS: 'http://localhost:4002',
      PORT: '4100',
      RATE_LIMIT_SCOPE: 'process',
      SUPERVISOR_ROLES: 'emulators,api,documents,integrations',
    });
    // The child's own configuration then embeds nothing: no private stand-ins.
    expect(loadConfig(api).embed).toEqual({ dynamodb: false, sqs: false, files: true });
    // ...but knows its SQS endpoint is the embedded emulator, whose abandoned polls may be left.
    expect(loadConfig(api).env.SQS_ENDPOINT_IS_EMBEDDED).toBe('true');
    const noSqs = childEnv('api', base, { ...options, endpoints: { dynamodb: 'http://127.0.0.1:4001' } });
    expect(noSqs.SQS_ENDPOINT_IS_EMBEDDED).toBeUndefined();
    expect(childEnv('documents', { ...base, RATE_LIMIT_SCOPE: 'shared' }, options).RATE_LIMIT_SCOPE).toBe(
      'shared',
    );
    const emulators = childEnv('emulators', base, options);
    expect(emulators).toMatchObject({ SUPERVISOR_DYNAMODB_PORT: '4001', SUPERVISOR_SQS_PORT: '4002' });
    expect(emulators.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
  });

  it('caps the heap of the documents child only', () => {
    const settings = loadSupervisorSettings({ SUPERVISOR_DOCUMENTS_MAX_OLD_SPACE_MB: '512' });
    expect(childExecArgv('documents', 'file:///tsx.mjs', settings)).toEqual([
      '--import',
      'file:///tsx.mjs',
      '--max-old-space-size=512',
    ]);
    expect(childExecArgv('integrations', 'file:///tsx.mjs', settings)).toEqual([
      '--import',
      'file:///tsx.mjs',
    ]);
  });

  it('refuses invalid knobs, naming them', () => {
    expect(() =>
      loadSupervisorSettings({ SUPERVISOR_RESTART_BASE_MS: '-1', SUPERVISOR_SQS_PORT: 'x' }),
    ).toThrow(/SUPERVISOR_RESTART_BASE_MS.*SUPERVISOR_SQS_PORT/);
    expect(() => loadSupervisorSettings({ SUPERVISOR_DOCUMENTS_MAX_OLD_SPACE_MB: '1' })).toThrow(
      /SUPERVISOR_DOCUMENTS_MAX_OLD_SPACE_MB/,
    );
  });
});
