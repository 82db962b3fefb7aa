import { describeError, type Logger, type RealtimeEvent, silentLogger } from '@paperlane/core';
import type { Principal } from '../auth/principal';
import type { TokenVerifier } from '../auth/tokens';
import type { TargetAccess } from './access';
import {
  CLOSE_CODES,
  DEFAULT_REALTIME_LIMITS,
  eventMatches,
  parseClientMessage,
  presentEvent,
  type RealtimeErrorCode,
  type RealtimeLimits,
  type ServerMessage,
  type ServerReply,
  type SnapshotMessage,
  type SubscriptionTarget,
  targetFieldsOf,
  targetKey,
  targetOf,
} from './protocol';
import { replaySince } from './resume';

/** How a connection reaches its client; implemented by each transport (ws, SSE, tests). */
export interface RealtimeTransport {
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
}

/** Injected so auth timeouts are testable without waiting on the wall clock. */
export interface RealtimeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: RealtimeTimers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Where authenticated connections register to receive their tenant's events. */
export interface RealtimeRegistry {
  register(connection: RealtimeConnection): () => void;
}

export interface RealtimeConnectionOptions {
  transport: RealtimeTransport;
  verifyToken: TokenVerifier;
  canAccess: TargetAccess;
  /** Receives the connection once authenticated (the process's hub). */
  registry?: RealtimeRegistry;
  limits?: Partial<RealtimeLimits>;
  timers?: RealtimeTimers;
  logger?: Logger;
  /** Already verified by the transport (SSE with a bearer header): no auth step, no timeout. */
  principal?: Principal;
}

export interface RealtimeConnection {
  readonly principal: Principal | undefined;
  /** Subscriptions held now. */
  readonly subscriptions: ReadonlyMap<string, SubscriptionTarget>;
  /** Verifies a token (from the query string or an `auth` message). */
  authenticate(token: string): Promise<boolean>;
  /** One client frame. Frames are handled in order, one at a time. */
  receive(raw: string | Uint8Array, binary?: boolean): Promise<void>;
  /**
   * Subscribes and sends, in order: `subscribed`, then the snapshot (or, with `resumeFrom`,
   * what changed since that instant), then live events. Resolves to the first reply
   * (`subscribed` or an error), already sent.
   */
  subscribe(target: SubscriptionTarget, options?: { resumeFrom?: number }): Promise<ServerReply>;
  unsubscribe(target: SubscriptionTarget): ServerReply;
  /** Sends the event if it is this tenant's and matches a subscription; `true` when sent. */
  deliver(event: RealtimeEvent): boolean;
  /** The transport closed: stop timers, leave the registry. Idempotent. */
  dispose(): void;
}

/**
 * The realtime protocol for one client, independent of its transport: auth (with a
 * timeout), subscribe/unsubscribe with a tenant check, ping, and event delivery
 * filtered on tenant first, then subscription.
 *
 * @example
 * const connection = createRealtimeConnection({ transport, verifyToken, canAccess, registry: hub });
 * socket.on('message', (data, binary) => void connection.receive(data, binary));
 * socket.on('close', () => connection.dispose());
 */
export function createRealtimeConnection(options: RealtimeConnectionOptions): RealtimeConnection {
  const limits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const timers = options.timers ?? systemTimers;
  const logger = options.logger ?? silentLogger;
  const { transport } = options;
  const subscriptions = new Map<string, SubscriptionTarget>();
  /** Live events held back while a target's snapshot is read, so none is lost or sent before it. */
  const held = new Map<string, RealtimeEvent[]>();
  /** Sessions whose completion this client was told of: told once, however it reached us. */
  const announced = new Set<string>();
  let principal = options.principal;
  let unregister: (() => void) | undefined;
  let disposed = false;
  let invalid = 0;
  let queue: Promise<void> = Promise.resolve();

  const reply = (message: ServerMessage) => {
    if (!disposed) transport.send(message);
  };
  const error = (code: RealtimeErrorCode, message: string): ServerReply => ({ type: 'error', code, message });
  const close = (code: number, reason: string) => {
    if (disposed) return;
    transport.close(code, reason);
    connection.dispose();
  };

  let authTimer: unknown = principal
    ? undefined
    : timers.setTimeout(() => {
        authTimer = undefined;
        if (principal) return;
        reply(error('auth_required', 'authentication timed out'));
        close(CLOSE_CODES.authTimeout, 'authentication timeout');
      }, limits.authTimeoutMs);

  const settleAuth = () => {
    if (authTimer !== undefined) timers.clearTimeout(authTimer);
    authTimer = undefined;
    if (!disposed && !unregister) unregister = options.registry?.register(connection);
  };

  const verify = async (token: string): Promise<boolean> => {
    if (principal) return true;
    if (disposed) return false;
    try {
      principal = await options.verifyToken(token);
    } catch {
      // The token itself is never logged.
      logger.info('realtime authentication refused');
      reply(error('invalid_token', 'the token is invalid or expired'));
      close(CLOSE_CODES.unauthenticated, 'invalid token');
      return false;
    }
    if (disposed) return false;
    settleAuth();
    reply({ type: 'authenticated', tenant_id: principal.tenantId, user_id: principal.userId });
    return true;
  };

  const handle = async (raw: string | Uint8Array, binary: boolean) => {
    if (disposed) return;
    const parsed = parseClientMessage(raw, { maxMessageBytes: limits.maxMessageBytes, binary });
    if (!parsed.ok) {
      reply(error(parsed.code, parsed.message));
      if (parsed.code === 'message_too_large') return close(CLOSE_CODES.tooLarge, 'message too large');
      invalid += 1;
      if (invalid >= limits.maxInvalidMessages) close(CLOSE_CODES.tooManyErrors, 'too many invalid messages');
      return;
    }
    const message = parsed.message;
    if (message.action === 'ping') return reply({ type: 'pong' });
    if (message.action === 'auth') {
      if (principal) return reply(error('already_authenticated', 'this connection is authenticated'));
      await verify(message.token);
      return;
    }
    if (!principal) {
      reply(error('auth_required', 'send {"action":"auth","token":"..."} first'));
      return close(CLOSE_CODES.unauthenticated, 'authentication required');
    }
    const target = targetOf(message);
    if (message.action === 'subscribe') await connection.subscribe(target);
    else reply(connection.unsubscribe(target));
  };

  const send = (message: ServerMessage) => {
    if (message.type === 'session:completed') {
      if (announced.has(message.session_id)) return;
      // Bounded memory per connection; a session completes once, so forgetting old ones is safe.
      if (announced.size > 999) announced.clear();
      announced.add(message.session_id);
    }
    reply(message);
  };

  /** The snapshot, then what was held back that is newer than it. */
  const release = (key: string, snapshot: SnapshotMessage, resumeFrom: number | undefined) => {
    const messages = resumeFrom === undefined ? [snapshot] : replaySince(snapshot, resumeFrom);
    for (const message of messages) send(message);
    // The snapshot was read after its `at`: an event written before then is already in it.
    for (const event of held.get(key) ?? []) if (event.at >= snapshot.at) send(presentEvent(event));
    held.delete(key);
  };

  const connection: RealtimeConnection = {
    get principal() {
      return principal;
    },
    subscriptions,

    authenticate(token) {
      // Queued like a message, so frames sent right after connecting wait for the query token's check.
      const result = queue.then(
        () => verify(token),
        () => verify(token),
      );
      queue = result.then(() => undefined);
      return result;
    },

    receive(raw, binary = false) {
      queue = queue.then(
        () => handle(raw, binary),
        () => handle(raw, binary),
      );
      return queue.catch((cause: unknown) => {
        logger.warn('realtime message failed', { error: describeError(cause) });
        reply(error('internal', 'the message could not be handled'));
      });
    },

    async subscribe(target, subscribeOptions = {}) {
      const answer = (message: ServerReply) => {
        reply(message);
        return message;
      };
      if (!principal) return answer(error('auth_required', 'authenticate first'));
      const key = targetKey(target);
      if (subscriptions.has(key)) return answer({ type: 'subscribed', ...targetFieldsOf(target) });
      if (subscriptions.size >= limits.maxSubscriptions) {
        return answer(
          error('too_many_subscriptions', `at most ${limits.maxSubscriptions} subscriptions per connection`),
        );
      }
      // Held from before the read, so an event written while the snapshot is read is not lost.
      subscriptions.set(key, target);
      held.set(key, []);
      let snapshot: SnapshotMessage | undefined;
      try {
        snapshot = await options.canAccess(principal.tenantId, target);
      } finally {
        if (!snapshot) {
          subscriptions.delete(key);
          held.delete(key);
        }
      }
      if (!snapshot) return answer(error('not_found', `${target.kind} ${target.id} not found`));
      if (disposed) return { type: 'subscribed', ...targetFieldsOf(target) };
      const subscribed = answer({ type: 'subscribed', ...targetFieldsOf(target) });
      release(key, snapshot, subscribeOptions.resumeFrom);
      return subscribed;
    },

    unsubscribe(target) {
      subscriptions.delete(targetKey(target));
      held.delete(targetKey(target));
      return { type: 'unsubscribed', ...targetFieldsOf(target) };
    },

    deliver(event) {
      if (disposed || !principal || event.tenantId !== principal.tenantId) return false;
      for (const [key, target] of subscriptions) {
        if (!eventMatches(event, target)) continue;
        const waiting = held.get(key);
        if (waiting) waiting.push(event);
        else send(presentEvent(event));
        return true;
      }
      return false;
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      if (authTimer !== undefined) timers.clearTimeout(authTimer);
      authTimer = undefined;
      unregister?.();
      unregister = undefined;
      subscriptions.clear();
      held.clear();
    },
  };
  if (principal) settleAuth();
  return connection;
}
