import pino, { type Logger } from 'pino';

/** The root logger of a process, one child per component (`log.child({ component })`). */
export function createLogger(component: string, level = process.env.KUBETS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { pid: process.pid } }).child({ component });
}
