import { ConfigError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { createEmailSender } from './create-email-sender';
import { parseEmailConfig } from './email-config';

describe('parseEmailConfig', () => {
  it('is off without EMAIL_TRANSPORT or SMTP_URL', () => {
    expect(parseEmailConfig({})).toBeUndefined();
    expect(parseEmailConfig({ EMAIL_FROM: 'paperlane@example.com', SMTP_URL: '' })).toBeUndefined();
    expect(createEmailSender({})).toBeUndefined();
  });

  it('picks SMTP from SMTP_URL, SES when asked', () => {
    expect(
      parseEmailConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', EMAIL_FROM: 'pl@example.com' }),
    ).toEqual({ transport: 'smtp', url: 'smtps://u:p@mail.example.com:465', from: 'pl@example.com' });
    expect(
      parseEmailConfig({ EMAIL_TRANSPORT: 'ses', EMAIL_FROM: 'pl@example.com', AWS_REGION: 'eu-west-1' }),
    ).toEqual({ transport: 'ses', from: 'pl@example.com', region: 'eu-west-1' });
    expect(createEmailSender({ EMAIL_TRANSPORT: 'ses', EMAIL_FROM: 'pl@example.com' })?.name).toBe('ses');
  });

  it.each([
    ['a sender missing', { SMTP_URL: 'smtp://127.0.0.1:25' }],
    ['SMTP without a URL', { EMAIL_TRANSPORT: 'smtp', EMAIL_FROM: 'pl@example.com' }],
    ['a non-SMTP URL', { SMTP_URL: 'http://mail.example.com', EMAIL_FROM: 'pl@example.com' }],
    [
      'a sender with a header in it',
      { SMTP_URL: 'smtp://127.0.0.1:25', EMAIL_FROM: 'pl@example.com\r\nBcc: x@y.z' },
    ],
    ['an unknown transport', { EMAIL_TRANSPORT: 'sendmail', EMAIL_FROM: 'pl@example.com' }],
  ])('refuses %s with a ConfigError that names keys, not values', (_, env) => {
    let error: unknown;
    try {
      parseEmailConfig(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain('127.0.0.1');
    expect(String((error as Error).message)).not.toContain('Bcc');
  });
});
