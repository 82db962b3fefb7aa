/** An attachment of a {@link buildMail} message. */
export interface TestAttachment {
  fileName: string;
  contentType: string;
  bytes: Uint8Array;
  inline?: boolean;
}

let counter = 0;

/**
 * Builds a raw RFC 822 message (multipart with base64 attachments when given) to
 * put into a test server with {@link appendMessage}. A `messageId` of `null` leaves
 * the header out; by default each message gets a unique one.
 *
 * @example
 * await appendMessage(imap, account, buildMail({ attachments: [{ fileName: 'a.pdf', contentType: 'application/pdf', bytes }] }));
 */
export function buildMail(options: {
  messageId?: string | null;
  from?: string;
  subject?: string;
  text?: string;
  attachments?: TestAttachment[];
}): string {
  const boundary = `----=_paperlane_${++counter}`;
  const headers = [
    `From: ${options.from ?? 'billing@vendor.example'}`,
    'To: invoices@acme.example',
    `Subject: ${options.subject ?? 'Your invoice'}`,
    'Date: Tue, 03 Mar 2026 10:00:00 +0000',
    ...(options.messageId === null
      ? []
      : [`Message-ID: ${options.messageId ?? `<m${counter}.${Date.now()}@vendor.example>`}`]),
    'MIME-Version: 1.0',
  ];
  const attachments = options.attachments ?? [];
  if (attachments.length === 0) {
    return [...headers, 'Content-Type: text/plain; charset=utf-8', '', options.text ?? 'Hello.', ''].join(
      '\r\n',
    );
  }
  const parts = attachments.map((a) =>
    [
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.fileName}"`,
      `Content-Disposition: ${a.inline ? 'inline' : 'attachment'}; filename="${a.fileName}"`,
      ...(a.inline ? [`Content-ID: <${a.fileName}@cid>`] : []),
      'Content-Transfer-Encoding: base64',
      '',
      (
        Buffer.from(a.bytes)
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n'),
    ].join('\r\n'),
  );
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.text ?? 'Please find the invoice attached.',
    ...parts,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
