import { sniffContentType } from '@paperlane/adapters/files';
import type { ChangeFeed, EventBus, Logger } from '@paperlane/core';
import { blobStoreFor } from '../blob-store';
import type { Config } from '../config/config';
import { type ContainerParts, createContainer } from '../container';
import { createJobHandlers } from '../handlers';

/**
 * The container as every local process builds it (files from the config, sniffed
 * uploads, every job module unless the role consumes nothing), with the event bus
 * its entry point chose.
 */
export function createLocalContainer(
  config: Config,
  options: {
    handlers?: ContainerParts['handlers'];
    events?: EventBus;
    changes?: ChangeFeed;
    logger?: Logger;
    /** The process's role (the default OpenTelemetry service name is `paperlane-<role>`). */
    role?: string;
  } = {},
) {
  return createContainer(config, {
    blobs: blobStoreFor(config),
    sniff: sniffContentType,
    handlers: options.handlers ?? createJobHandlers,
    ...(options.events ? { events: options.events } : {}),
    ...(options.changes ? { changes: options.changes } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.role ? { role: options.role } : {}),
  });
}
