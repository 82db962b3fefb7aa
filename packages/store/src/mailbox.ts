import { firstUse, idSchema } from '@paperlane/core';
import { z } from 'zod';

export const MAILBOX_TLS_MODES = ['tls', 'starttls', 'none'] as const;
export const mailboxTlsSchema = firstUse(() => z.enum(MAILBOX_TLS_MODES));

/** An IMAP folder name: printable, no control characters, bounded. */
export const mailFolderSchema = firstUse(() =>
  z
    .string()
    .min(1)
    .max(200)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    .regex(/^[^\u0000-\u001f\u007f*%]+$/, 'must be printable, without * or %'),
);

/** What happens to a message once it was imported: flagged `\Seen`, or moved to a folder. */
export const afterProcessingSchema = firstUse(() =>
  z.union([
    z.literal('mark_seen'),
    z
      .templateLiteral(['move:', z.string()])
      .refine((value) => mailFolderSchema().safeParse(value.slice(5)).success, {
        message: 'move:<folder> needs a valid folder name',
      }),
  ]),
);
export type AfterProcessing = z.infer<ReturnType<typeof afterProcessingSchema>>;

/** Hostnames as typed by a user: letters, digits, dots, dashes (IDNA already applied), or an IP literal. */
export const MAIL_HOST_PATTERN =
  /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/;
export const mailHostSchema = firstUse(() =>
  z.string().trim().toLowerCase().min(1).max(253).regex(MAIL_HOST_PATTERN, 'not a hostname'),
);

export const mailboxErrorSchema = firstUse(() =>
  z.object({
    code: z.string().max(100),
    message: z.string().max(1000),
    at: z.iso.datetime(),
  }),
);
export type MailboxError = z.infer<ReturnType<typeof mailboxErrorSchema>>;

/** The user-set fields of a mailbox (the password arrives separately, already sealed). */
export const mailboxSettingsSchema = firstUse(() =>
  z.object({
    name: z.string().trim().min(1).max(100),
    host: mailHostSchema(),
    port: z.number().int().min(1).max(65_535),
    tls: mailboxTlsSchema(),
    user: z.string().min(1).max(320),
    folder: mailFolderSchema(),
    /** Only messages from these addresses (`a@b.c`) or domains (`@b.c`); empty: any sender. */
    senderFilter: z.array(z.string().trim().toLowerCase().min(3).max(320)).max(50),
    /** Only messages whose subject contains this (case-insensitive). */
    subjectFilter: z.string().max(200).optional(),
    afterProcessing: afterProcessingSchema(),
    enabled: z.boolean(),
  }),
);
export type MailboxSettings = z.infer<ReturnType<typeof mailboxSettingsSchema>>;

/** A tenant user's IMAP mailbox and how far its sync got. */
export const mailboxRecordSchema = firstUse(() =>
  mailboxSettingsSchema().extend({
    tenantId: idSchema,
    mailboxId: idSchema,
    tenantUserId: idSchema,
    /** SecretCipher output, sealed under `tenant:<t>/mailbox:<id>`; never leaves the server. */
    passwordCiphertext: z.string().min(1).max(4096),
    uidValidity: z
      .string()
      .regex(/^\d{1,10}$/)
      .optional(),
    lastUid: z.number().int().min(0).optional(),
    lastSyncAt: z.iso.datetime().optional(),
    lastError: mailboxErrorSchema().optional(),
    revision: z.number().int().min(1),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  }),
);
export type MailboxRecord = z.infer<ReturnType<typeof mailboxRecordSchema>>;

export const newMailboxSchema = firstUse(() =>
  mailboxSettingsSchema().extend({
    tenantId: idSchema,
    mailboxId: idSchema,
    tenantUserId: idSchema,
    passwordCiphertext: mailboxRecordSchema().shape.passwordCiphertext,
    now: z.date(),
  }),
);
export type NewMailbox = z.input<ReturnType<typeof newMailboxSchema>>;

/** `update` input: any settings, and a new sealed password. */
export const mailboxPatchSchema = firstUse(() =>
  mailboxSettingsSchema()
    .partial()
    .extend({
      passwordCiphertext: mailboxRecordSchema().shape.passwordCiphertext.optional(),
      /** `null` removes the subject filter. */
      subjectFilter: z.string().max(200).nullable().optional(),
    }),
);
export type MailboxPatch = z.input<ReturnType<typeof mailboxPatchSchema>>;

/** The context a mailbox password is sealed under: opened under another mailbox's, it fails. */
export function mailboxSecretContext(tenantId: string, mailboxId: string): string {
  return `tenant:${tenantId}/mailbox:${mailboxId}`;
}

export const SKIP_REASON_MAX = 50;

export const syncSkipSchema = firstUse(() =>
  z.object({
    uid: z.number().int().min(0),
    messageId: z.string().max(1000).optional(),
    reason: z.string().max(100),
    detail: z.string().max(500).optional(),
  }),
);
export type SyncSkip = z.infer<ReturnType<typeof syncSkipSchema>>;

/** One sync of one mailbox, as the history shows it. */
export const syncRunSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    mailboxId: idSchema,
    runId: idSchema,
    jobId: idSchema.optional(),
    status: z.enum(['ok', 'error']),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime(),
    /** Messages looked at (listed past the cursor). */
    fetched: z.number().int().min(0),
    /** Messages that produced at least one document. */
    imported: z.number().int().min(0),
    skipped: z.number().int().min(0),
    errors: z.number().int().min(0),
    /** The first skips, with reasons. */
    skips: z.array(syncSkipSchema()).max(SKIP_REASON_MAX),
    error: mailboxErrorSchema().omit({ at: true }).optional(),
  }),
);
export type SyncRunRecord = z.infer<ReturnType<typeof syncRunSchema>>;
export type NewSyncRun = z.input<ReturnType<typeof syncRunSchema>>;

/** The processed-message ledger: one entry per (mailbox, message), written once. */
export const processedMessageSchema = firstUse(() =>
  z.object({
    tenantId: idSchema,
    mailboxId: idSchema,
    /** `mid:<sha256 of Message-ID>` or `raw:<sha256 of the source>`. */
    messageKey: z.string().regex(/^(mid|raw):[0-9a-f]{64}$/),
    outcome: z.enum(['imported', 'skipped']),
    uid: z.number().int().min(0),
    uidValidity: z.string().regex(/^\d{1,10}$/),
    documentIds: z.array(idSchema).max(100),
    reason: z.string().max(100).optional(),
    processedAt: z.iso.datetime(),
  }),
);
export type ProcessedMessage = z.infer<ReturnType<typeof processedMessageSchema>>;
