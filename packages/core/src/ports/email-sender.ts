/** One plain-text message to one recipient. */
export interface EmailMessage {
  /** One address, already checked with `notifyEmailSchema` (no list, no line breaks). */
  to: string;
  subject: string;
  text: string;
  /**
   * A stable `Message-ID` (`<…@…>`): a message sent again after a crash carries the
   * same id, so the recipient's mail system (and a person) can tell it is the same one.
   */
  messageId: string;
}

/**
 * Sends email: SMTP locally, SES on AWS. Throws `PermanentError` when the message
 * can never be delivered as it is (the server refused the recipient or the sender),
 * `RetryableError` when a later attempt may succeed (connection refused, 4xx, throttling).
 */
export interface EmailSender {
  /** `smtp` or `ses`: for logs. */
  readonly name: string;
  send(message: EmailMessage): Promise<void>;
  /** Ends pooled connections, if any. */
  close(): Promise<void>;
}
