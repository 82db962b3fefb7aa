import type { DocumentContentType, ParsedEmailAttachment } from '@paperlane/core';
import { safeFileName } from '../ingest/file-name';
import type { EmailSyncLimits } from './email-sync-limits';
import { sha256 } from './message-key';

export interface AcceptedAttachment {
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
  contentType: DocumentContentType;
}

export interface RejectedAttachment {
  fileName: string;
  reason:
    | 'inline_part'
    | 'empty_attachment'
    | 'attachment_too_large'
    | 'archive_not_supported'
    | 'unsupported_file_type'
    | 'duplicate_attachment';
}

export type AttachmentSelection =
  | { ok: true; accepted: AcceptedAttachment[]; rejected: RejectedAttachment[] }
  | {
      ok: false;
      reason: 'no_attachments' | 'too_many_attachments' | RejectedAttachment['reason'];
      rejected: RejectedAttachment[];
    };

/** Magic numbers of archives we refuse to open (zip and its Office/JAR kin, rar, 7z, gzip, bzip2, xz, tar). */
const ARCHIVE_SIGNATURES: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x07, 0x08],
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07],
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c],
  [0x1f, 0x8b],
  [0x42, 0x5a, 0x68],
  [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
];

export function isArchive(bytes: Uint8Array): boolean {
  if (ARCHIVE_SIGNATURES.some((sig) => sig.every((byte, i) => bytes[i] === byte))) return true;
  // POSIX tar: "ustar" at offset 257.
  return Buffer.from(bytes.subarray(257, 262)).toString('latin1') === 'ustar';
}

function attachmentProblem(bytes: Uint8Array, maxBytes: number): RejectedAttachment['reason'] | undefined {
  if (bytes.byteLength === 0) return 'empty_attachment';
  if (bytes.byteLength > maxBytes) return 'attachment_too_large';
  if (isArchive(bytes)) return 'archive_not_supported';
  return undefined;
}

/**
 * Picks the attachments worth importing, from their bytes only (names and declared
 * MIME types are the sender's claims). Too many attachments skip the whole message;
 * otherwise each bad one is rejected with a reason and the good ones go on.
 */
export function selectAttachments(
  attachments: readonly ParsedEmailAttachment[],
  limits: Pick<EmailSyncLimits, 'maxAttachments' | 'maxAttachmentBytes'>,
  sniff: (bytes: Uint8Array) => DocumentContentType,
): AttachmentSelection {
  const rejected: RejectedAttachment[] = [];
  const candidates = attachments.filter((attachment) => {
    if (!attachment.inline) return true;
    rejected.push({ fileName: safeFileName(attachment.fileName, 'inline'), reason: 'inline_part' });
    return false;
  });
  if (candidates.length === 0) return { ok: false, reason: 'no_attachments', rejected };
  if (candidates.length > limits.maxAttachments)
    return { ok: false, reason: 'too_many_attachments', rejected };
  const accepted: AcceptedAttachment[] = [];
  const seen = new Set<string>();
  for (const [index, attachment] of candidates.entries()) {
    const fileName = safeFileName(attachment.fileName, `attachment-${index + 1}`);
    const { bytes } = attachment;
    const problem = attachmentProblem(bytes, limits.maxAttachmentBytes);
    if (problem) {
      rejected.push({ fileName, reason: problem });
      continue;
    }
    let contentType: DocumentContentType;
    try {
      contentType = sniff(bytes);
    } catch {
      rejected.push({ fileName, reason: 'unsupported_file_type' });
      continue;
    }
    const hash = sha256(bytes);
    if (seen.has(hash)) {
      rejected.push({ fileName, reason: 'duplicate_attachment' });
      continue;
    }
    seen.add(hash);
    accepted.push({ fileName, bytes, sha256: hash, contentType });
  }
  if (accepted.length === 0) {
    const first = rejected.find((r) => r.reason !== 'inline_part') ?? rejected[0];
    return { ok: false, reason: first?.reason ?? 'no_attachments', rejected };
  }
  return { ok: true, accepted, rejected };
}
