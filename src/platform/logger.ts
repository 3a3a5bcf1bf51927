/**
 * Structured logging (pino). Values go in fields, never into the message string.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: 'hub', ...base } });
}
