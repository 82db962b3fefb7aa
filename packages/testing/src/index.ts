export * from './dynalite';
export * from './fauxqs';
export * from './free-port';
export * from './process';
export * from './redis';
