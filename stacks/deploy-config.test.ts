import { describe, expect, it } from 'vitest';
import { deployConfig } from './deploy-config';

describe('deployConfig', () => {
  it('defaults dev stages to any origin, HS256 in-app auth and info logs', () => {
    expect(deployConfig({}, false)).toEqual({
      webOrigins: ['*'],
      logLevel: 'info',
      apiSettings: {},
      sharedSettings: {},
    });
  });

  it('reads origins, an external issuer and the alarm address', () => {
    const config = deployConfig(
      {
        PAPERLANE_WEB_ORIGINS: 'https://app.example.com, https://admin.example.com',
        PAPERLANE_JWT_ISSUER: 'https://auth.example.com/',
        PAPERLANE_JWT_AUDIENCE: 'paperlane-api',
        PAPERLANE_JWT_JWKS_URL: 'https://auth.example.com/jwks.json',
        PAPERLANE_ALARM_EMAIL: 'ops@example.com',
        PAPERLANE_RATE_LIMIT_PER_MINUTE: '600',
        PAPERLANE_JWT_MAX_LIFETIME_SECONDS: '3600',
        PAPERLANE_FAIR_SHARE_TENANT_CAPS: '{"big":8}',
        PAPERLANE_TENANT_BUDGET_PERIOD: 'day',
        PAPERLANE_API_MAX_BODY_BYTES: '65536',
        UNRELATED: 'ignored',
      },
      true,
    );
    expect(config).toEqual({
      webOrigins: ['https://app.example.com', 'https://admin.example.com'],
      jwt: {
        issuer: 'https://auth.example.com/',
        audience: 'paperlane-api',
        jwksUrl: 'https://auth.example.com/jwks.json',
      },
      alarmEmail: 'ops@example.com',
      logLevel: 'info',
      rateLimitPerMinute: 600,
      apiSettings: { JWT_MAX_LIFETIME_SECONDS: '3600', API_MAX_BODY_BYTES: '65536' },
      sharedSettings: { FAIR_SHARE_TENANT_CAPS: '{"big":8}', TENANT_BUDGET_PERIOD: 'day' },
    });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      deployConfig(
        {
          PAPERLANE_WEB_ORIGINS: 'https://app.example.com/path',
          PAPERLANE_ALARM_EMAIL: 'nobody',
          LOG_LEVEL: 'loud',
          PAPERLANE_RATE_LIMIT_PER_MINUTE: 'many',
          PAPERLANE_JWT_MAX_LIFETIME_SECONDS: '10',
          PAPERLANE_API_MAX_BODY_BYTES: '1e9',
        },
        false,
      ),
    ).toThrow(
      /invalid deploy configuration: PAPERLANE_WEB_ORIGINS.0: must be an origin .*; PAPERLANE_ALARM_EMAIL: .*; LOG_LEVEL: .*; PAPERLANE_RATE_LIMIT_PER_MINUTE: .*; PAPERLANE_JWT_MAX_LIFETIME_SECONDS: .*; PAPERLANE_API_MAX_BODY_BYTES: /,
    );
  });

  it('refuses production without explicit origins, or with "*"', () => {
    expect(() => deployConfig({}, true)).toThrow(
      /PAPERLANE_WEB_ORIGINS must list the web app origins for production/,
    );
    expect(() => deployConfig({ PAPERLANE_WEB_ORIGINS: '*' }, true)).toThrow(/no "\*"/);
  });

  it('refuses half an issuer configuration, and plain http issuers', () => {
    expect(() => deployConfig({ PAPERLANE_JWT_AUDIENCE: 'x' }, false)).toThrow(/together, or none/);
    expect(() =>
      deployConfig(
        {
          PAPERLANE_JWT_ISSUER: 'http://auth.example.com/',
          PAPERLANE_JWT_AUDIENCE: 'x',
          PAPERLANE_JWT_JWKS_URL: 'https://auth.example.com/jwks.json',
        },
        false,
      ),
    ).toThrow(/PAPERLANE_JWT_ISSUER/);
  });
});
