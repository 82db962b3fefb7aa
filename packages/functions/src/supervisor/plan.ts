import type { Config } from '../config/config';
import { ROLES, type Role } from '../roles/roles';
import type { SupervisorSettings } from './settings';

export type Env = Record<string, string | undefined>;

/** The children `npm start` runs, in start order: no emulators child when every service is external. */
export function plannedRoles(config: Config): Role[] {
  const emulated = config.embed.dynamodb || config.embed.sqs;
  return ROLES.filter((role) => role !== 'emulators' || emulated);
}

/**
 * A child's environment: the supervisor's, plus what makes every child agree — the
 * emulators' endpoints (so no child starts private stand-ins of its own), a fixed
 * API port (a restart keeps the URL), and for the emulators the ports to bind.
 */
export function childEnv(
  role: Role,
  base: Env,
  options: {
    config: Config;
    endpoints: { dynamodb?: string; sqs?: string };
    apiPort: number;
    emulatorPorts: { dynamodb?: number; sqs?: number };
  },
): Env {
  const env: Env = {
    ...base,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SUPERVISOR_ROLES: plannedRoles(options.config).join(','),
  };
  if (role === 'emulators') {
    const { dynamodb, sqs } = options.emulatorPorts;
    return {
      ...env,
      ...(dynamodb ? { SUPERVISOR_DYNAMODB_PORT: String(dynamodb) } : {}),
      ...(sqs ? { SUPERVISOR_SQS_PORT: String(sqs) } : {}),
    };
  }
  const { dynamodb, sqs } = options.endpoints;
  return {
    ...env,
    ...(dynamodb ? { AWS_ENDPOINT_URL_DYNAMODB: dynamodb } : {}),
    ...(sqs ? { AWS_ENDPOINT_URL_SQS: sqs, SQS_ENDPOINT_IS_EMBEDDED: 'true' } : {}),
    // One API process: its own counter is the whole budget (a shared one costs a write per enqueue).
    ...(role === 'api' && options.config.embed.dynamodb && !base.RATE_LIMIT_SCOPE
      ? { RATE_LIMIT_SCOPE: 'process' }
      : {}),
    PORT: String(options.apiPort),
  };
}

/** Node flags per child: TypeScript through tsx, and the documents child's heap cap. */
export function childExecArgv(role: Role, tsxLoader: string, settings: SupervisorSettings): string[] {
  return [
    '--import',
    tsxLoader,
    ...(role === 'documents'
      ? [`--max-old-space-size=${settings.SUPERVISOR_DOCUMENTS_MAX_OLD_SPACE_MB}`]
      : []),
  ];
}
