import type { Logger } from '@paperlane/core';
import type { Principal } from './auth/principal';

/** Hono context variables set by the middleware. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    principal: Principal;
  };
}
