import { PaperlaneError, PermanentError, RetryableError } from '@paperlane/core';

/** Node's TLS verification failures: the server is misconfigured or not who it claims; retrying cannot help. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

interface ImapFailure {
  code?: unknown;
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
  message?: unknown;
  responseText?: unknown;
}

/**
 * Maps an imapflow or socket error to a domain error: refused credentials and TLS
 * problems are permanent (a retry storm would lock the account or repeat the same
 * failure), a missing folder is permanent, network trouble is retryable. The message
 * never carries the password (imapflow does not echo it; we never add it).
 */
export function imapError(error: unknown, host: string): PaperlaneError {
  if (error instanceof PaperlaneError) return error;
  const failure = (typeof error === 'object' && error !== null ? error : {}) as ImapFailure;
  const code = typeof failure.code === 'string' ? failure.code : '';
  const text = `${typeof failure.message === 'string' ? failure.message : ''} ${
    typeof failure.responseText === 'string' ? failure.responseText : ''
  }`;
  if (failure.authenticationFailed === true || failure.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return new PermanentError(`the IMAP server ${host} refused the user name or password`, {
      code: 'mailbox_auth_failed',
    });
  }
  if (TLS_CODES.has(code) || /STARTTLS|certificate|TLS/i.test(text)) {
    return new PermanentError(`a secure connection to ${host} could not be established`, {
      code: 'mailbox_tls_failed',
      cause: error,
    });
  }
  if (failure.serverResponseCode === 'NONEXISTENT' || code === 'NotFound') {
    return new PermanentError('the mailbox folder does not exist', { code: 'mailbox_folder_not_found' });
  }
  return new RetryableError(`the IMAP server ${host} could not be reached (${code || 'error'})`, {
    code: 'mailbox_unreachable',
    cause: error,
  });
}
