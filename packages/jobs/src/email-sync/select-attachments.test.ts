import { ValidationError } from '@paperlane/core';
import { describe, expect, it } from 'vitest';
import { isArchive, selectAttachments } from './select-attachments';

const PDF = new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj\n'));
const sniff = (bytes: Uint8Array) => {
  if (Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-') return 'application/pdf' as const;
  throw new ValidationError('unsupported', { code: 'unsupported_file_type' });
};
const limits = { maxAttachments: 3, maxAttachmentBytes: 100 };
const att = (bytes: Uint8Array, fileName = 'x.pdf', inline = false) => ({ fileName, bytes, inline });

describe('selectAttachments', () => {
  it('accepts sniffed documents, sanitises names and drops duplicates', () => {
    const result = selectAttachments(
      [att(PDF, '../../etc/inv\u202e.pdf'), att(PDF, 'copy.pdf')],
      limits,
      sniff,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.accepted.map((a) => a.fileName)).toEqual(['inv.pdf']);
    expect(result.accepted[0]?.contentType).toBe('application/pdf');
    expect(result.rejected).toEqual([{ fileName: 'copy.pdf', reason: 'duplicate_attachment' }]);
  });

  it('rejects archives, oversize, empty and disguised files, and ignores inline parts', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    const rar = new Uint8Array([0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00]);
    const sevenZip = new Uint8Array([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0]);
    expect([zip, rar, sevenZip].every(isArchive)).toBe(true);
    expect(isArchive(PDF)).toBe(false);
    const result = selectAttachments(
      [att(zip, 'a.pdf'), att(new Uint8Array(101), 'big.pdf'), att(new Uint8Array(0), 'empty.pdf')],
      limits,
      sniff,
    );
    expect(result).toMatchObject({ ok: false, reason: 'archive_not_supported' });
    expect(result.rejected.map((r) => r.reason)).toEqual([
      'archive_not_supported',
      'attachment_too_large',
      'empty_attachment',
    ]);
    expect(
      selectAttachments([att(new Uint8Array(Buffer.from('MZ...')), 'inv.pdf')], limits, sniff),
    ).toMatchObject({
      ok: false,
      reason: 'unsupported_file_type',
    });
    expect(selectAttachments([att(PDF, 'logo.pdf', true)], limits, sniff)).toMatchObject({
      ok: false,
      reason: 'no_attachments',
    });
  });

  it('skips a message with too many attachments, and one with none', () => {
    expect(
      selectAttachments(
        Array.from({ length: 4 }, () => att(PDF)),
        limits,
        sniff,
      ),
    ).toMatchObject({
      ok: false,
      reason: 'too_many_attachments',
    });
    expect(selectAttachments([], limits, sniff)).toMatchObject({ ok: false, reason: 'no_attachments' });
  });
});
