export * from './dovecot';
export * from './dynalite';
export * from './events/sqs-event-factory';
export * from './fauxqs';
export * from './free-port';
export * from './invoice-fixtures';
export * from './process';
export * from './redis';
