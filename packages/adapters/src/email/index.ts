export { createEmailSender } from './create-email-sender';
export { type EmailConfig, emailEnvSchema, parseEmailConfig } from './email-config';
