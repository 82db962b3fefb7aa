import { describe, expect, it } from 'vitest';
import { MAX_NOTIFY_EMAIL_LENGTH, notifyEmailSchema } from './notify-email';

describe('notifyEmailSchema', () => {
  it('takes one plain address', () => {
    expect(notifyEmailSchema.parse('ap@example.com')).toBe('ap@example.com');
    expect(notifyEmailSchema.parse('first.last+batch@mail.example.co.uk')).toBe(
      'first.last+batch@mail.example.co.uk',
    );
  });

  it.each([
    ['a header injection', 'ap@example.com\r\nBcc: all@victim.example'],
    ['a bare line feed', 'ap@example.com\nSubject: hi'],
    ['a list', 'a@example.com,b@example.com'],
    ['a semicolon list', 'a@example.com;b@example.com'],
    ['a display name', 'Accounts <ap@example.com>'],
    ['a space', 'ap @example.com'],
    ['a NUL', 'ap@example.com\u0000'],
    ['no domain', 'ap@'],
    ['no at sign', 'example.com'],
    ['empty', ''],
    ['too long', `${'a'.repeat(MAX_NOTIFY_EMAIL_LENGTH)}@example.com`],
  ])('refuses %s', (_, value) => {
    expect(notifyEmailSchema.safeParse(value).success).toBe(false);
  });

  it('refuses a non-string', () => {
    expect(notifyEmailSchema.safeParse(['ap@example.com']).success).toBe(false);
    expect(notifyEmailSchema.safeParse({ to: 'ap@example.com' }).success).toBe(false);
  });
});
