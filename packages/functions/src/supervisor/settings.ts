import { ConfigError } from '@paperlane/core';
import { z } from 'zod';

const ms = z.coerce.number().int().min(1).max(3_600_000);
const port = z.coerce.number().int().min(1).max(65_535);

/** The supervisor's knobs (`npm start`), validated once like the rest of the configuration. */
export const supervisorEnvSchema = z.object({
  /** Heap cap of the documents child (`--max-old-space-size`): an OCR blow-up kills only that child. */
  SUPERVISOR_DOCUMENTS_MAX_OLD_SPACE_MB: z.coerce.number().int().min(64).max(65_536).default(2048),
  /** First restart delay; doubles per consecutive crash. */
  SUPERVISOR_RESTART_BASE_MS: ms.default(500),
  SUPERVISOR_RESTART_MAX_MS: ms.default(30_000),
  /** A child up this long before dying starts again from the first delay. */
  SUPERVISOR_STABLE_AFTER_MS: ms.default(30_000),
  /** A child that has not reported ready by then is killed (and restarted). */
  SUPERVISOR_READY_TIMEOUT_MS: ms.default(120_000),
  /** Graceful shutdown budget; what is still running then is SIGKILLed. */
  SUPERVISOR_SHUTDOWN_TIMEOUT_MS: ms.default(20_000),
  /** Emulator ports (default: free ports picked once per supervisor, kept across restarts). */
  SUPERVISOR_DYNAMODB_PORT: port.optional(),
  SUPERVISOR_SQS_PORT: port.optional(),
});
export type SupervisorSettings = z.infer<typeof supervisorEnvSchema>;

/** @throws ConfigError naming every invalid variable. */
export function loadSupervisorSettings(source: Record<string, string | undefined>): SupervisorSettings {
  const parsed = supervisorEnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid supervisor configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
