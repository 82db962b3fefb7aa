import type { LogFields, Logger } from '@paperlane/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose values are never written to logs, at any depth. */
const SECRET_KEY = /pass(word)?|secret|token|authorization|api[-_]?key|credential|cookie|signature/i;

/** Copies `value` with secret-looking fields replaced, bounded in depth and length. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' && value.length > 2000 ? `${value.slice(0, 2000)}…` : value;
  }
  if (depth > 5) return '[depth]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

/**
 * One JSON object per line (CloudWatch and `jq` friendly), with secrets redacted.
 *
 * @example createJsonLogger({ level: 'info', base: { service: 'api' } }).info('started', { port: 3000 })
 */
export function createJsonLogger(
  options: { level?: LogLevel; base?: LogFields; write?: (line: string) => void } = {},
): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const make = (base: LogFields): Logger => {
    const log = (level: LogLevel, message: string, fields?: LogFields) => {
      if (ORDER[level] < threshold) return;
      const entry = {
        time: new Date().toISOString(),
        level,
        message,
        ...(redact({ ...base, ...fields }) as LogFields),
      };
      write(JSON.stringify(entry));
    };
    return {
      debug: (message, fields) => log('debug', message, fields),
      info: (message, fields) => log('info', message, fields),
      warn: (message, fields) => log('warn', message, fields),
      error: (message, fields) => log('error', message, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make(options.base ?? {});
}
