import { z } from 'zod';

const list = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string()).min(1, 'must list at least one value'));

const origin = z.union([
  z.literal('*'),
  z.url({ protocol: /^https?$/ }).refine((u) => new URL(u).origin === u.replace(/\/$/, ''), {
    message: 'must be an origin (scheme://host[:port]), without a path',
  }),
]);

const schema = z
  .object({
    /** Browser origins allowed to call the API and upload to the bucket, comma-separated. */
    PAPERLANE_WEB_ORIGINS: list.pipe(z.array(origin)).optional(),
    /** An external OIDC issuer: the gateway's JWT authorizer and the app both verify its tokens. */
    PAPERLANE_JWT_ISSUER: z.url({ protocol: /^https$/ }).optional(),
    /** The `aud` the issuer's tokens carry for this API (the app checks one audience). */
    PAPERLANE_JWT_AUDIENCE: z.string().min(1).optional(),
    PAPERLANE_JWT_JWKS_URL: z.url({ protocol: /^https$/ }).optional(),
    /** Alarm notifications go to this address (confirm the SNS subscription mail once). */
    PAPERLANE_ALARM_EMAIL: z.email().optional(),
    /**
     * The SES sender of upload completion emails (a verified identity); set, the functions
     * that settle jobs send through SES (`EMAIL_TRANSPORT=ses`) and may send from it only.
     */
    PAPERLANE_EMAIL_FROM: z.email().max(254).optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).optional(),
    /** Enqueueing requests per tenant per minute, counted across every API instance. */
    PAPERLANE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).optional(),
    /** The longest token lifetime (`exp` − `iat`) the API accepts, in seconds. */
    PAPERLANE_JWT_MAX_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(366 * 86_400)
      .optional(),
    /** The byte limit of a JSON body (API Gateway caps any request at 10 MB). */
    PAPERLANE_API_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(10 * 1024 * 1024)
      .optional(),
    /** Fair share and tenant budgets (docs/architecture.md): every function reads them alike. */
    PAPERLANE_FAIR_SHARE: z.enum(['on', 'off']).optional(),
    PAPERLANE_FAIR_SHARE_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1_000).optional(),
    /** JSON, checked by the app at start; Lambda's whole environment must stay under 4 KB. */
    PAPERLANE_FAIR_SHARE_TENANT_CAPS: z.string().max(1_500).optional(),
    PAPERLANE_TENANT_BUDGET_PERIOD: z.enum(['day', 'month']).optional(),
    PAPERLANE_TENANT_BUDGET_OCR_PAGES: z.coerce.number().int().min(0).max(1e12).optional(),
    PAPERLANE_TENANT_BUDGET_LLM_TOKENS: z.coerce.number().int().min(0).max(1e12).optional(),
    PAPERLANE_TENANT_BUDGETS: z.string().max(1_500).optional(),
  })
  .superRefine((env, ctx) => {
    const jwt = [env.PAPERLANE_JWT_ISSUER, env.PAPERLANE_JWT_AUDIENCE, env.PAPERLANE_JWT_JWKS_URL];
    if (jwt.some(Boolean) && !jwt.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['PAPERLANE_JWT_ISSUER'],
        message:
          'set PAPERLANE_JWT_ISSUER, PAPERLANE_JWT_AUDIENCE and PAPERLANE_JWT_JWKS_URL together, or none',
      });
    }
  });

export interface DeployConfig {
  webOrigins: string[];
  jwt?: { issuer: string; audience: string; jwksUrl: string };
  alarmEmail?: string;
  /** SES sender of completion emails; unset, no function sends email. */
  emailFrom?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  rateLimitPerMinute?: number;
  /** API settings passed through as its environment variables (name → value). */
  apiSettings: Record<string, string>;
  /** Settings every function reads (fair share, budgets), as environment variables. */
  sharedSettings: Record<string, string>;
}

/** Deploy-time names of the settings every function gets, without the `PAPERLANE_` prefix. */
const SHARED_SETTINGS = [
  'FAIR_SHARE',
  'FAIR_SHARE_MAX_IN_FLIGHT',
  'FAIR_SHARE_TENANT_CAPS',
  'TENANT_BUDGET_PERIOD',
  'TENANT_BUDGET_OCR_PAGES',
  'TENANT_BUDGET_LLM_TOKENS',
  'TENANT_BUDGETS',
] as const;

/**
 * Deploy-time settings from the environment SST runs in (it also loads `.env` and
 * `.env.<stage>`). Prefixed `PAPERLANE_` so a developer's local app settings
 * (`JWT_SECRET`, ...) never leak into a deploy.
 *
 * @throws Error naming every invalid variable.
 */
export function deployConfig(env: Record<string, string | undefined>, production: boolean): DeployConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
    throw new Error(`invalid deploy configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (production && (!config.PAPERLANE_WEB_ORIGINS || config.PAPERLANE_WEB_ORIGINS.includes('*'))) {
    throw new Error(
      'invalid deploy configuration: PAPERLANE_WEB_ORIGINS must list the web app origins for production (no "*"), e.g. https://app.example.com',
    );
  }
  const {
    PAPERLANE_JWT_ISSUER: issuer,
    PAPERLANE_JWT_AUDIENCE: audience,
    PAPERLANE_JWT_JWKS_URL: jwksUrl,
  } = config;
  return {
    webOrigins: config.PAPERLANE_WEB_ORIGINS ?? ['*'],
    ...(issuer && audience && jwksUrl ? { jwt: { issuer, audience, jwksUrl } } : {}),
    ...(config.PAPERLANE_ALARM_EMAIL ? { alarmEmail: config.PAPERLANE_ALARM_EMAIL } : {}),
    ...(config.PAPERLANE_EMAIL_FROM ? { emailFrom: config.PAPERLANE_EMAIL_FROM } : {}),
    logLevel: config.LOG_LEVEL ?? 'info',
    ...(config.PAPERLANE_RATE_LIMIT_PER_MINUTE
      ? { rateLimitPerMinute: config.PAPERLANE_RATE_LIMIT_PER_MINUTE }
      : {}),
    sharedSettings: Object.fromEntries(
      SHARED_SETTINGS.flatMap((name) => {
        const value = config[`PAPERLANE_${name}`];
        return value === undefined ? [] : [[name, String(value)]];
      }),
    ),
    apiSettings: {
      ...(config.PAPERLANE_JWT_MAX_LIFETIME_SECONDS
        ? { JWT_MAX_LIFETIME_SECONDS: String(config.PAPERLANE_JWT_MAX_LIFETIME_SECONDS) }
        : {}),
      ...(config.PAPERLANE_API_MAX_BODY_BYTES
        ? { API_MAX_BODY_BYTES: String(config.PAPERLANE_API_MAX_BODY_BYTES) }
        : {}),
    },
  };
}
