/**
 * Keeps a serving bot alive through errors nobody caught. Node 20 exits on an unhandled rejection
 * and on an uncaught exception; either one, from one malformed request deep inside an SDK, would
 * drop every conversation in flight and, with Socket Mode or the long connection, every event
 * Slack and Feishu push until a supervisor restarts the process.
 *
 * - unhandledRejection: a promise nobody awaited failed. The work it belonged to is lost, nothing
 *   else is affected: log it and carry on.
 * - uncaughtException: also logged and survived, by choice. Node's advice is to restart because
 *   shared state may be half-updated; here the state a throw could leave behind is per request
 *   (the core is pure, dedup claims are atomic, caches are rebuilt on a miss), and the ways this
 *   bot has actually seen exceptions escape are SDK socket callbacks (a WebSocket 'error' with no
 *   listener, a throw in a reconnect timer) whose owners reconnect anyway. Exiting would turn one
 *   bad request into an outage of the whole bot. The error is logged at error level with its
 *   stack and counted (`iiot_process_errors_total{kind="uncaught_exception"}`), so an operator who
 *   prefers a restart can alert on it.
 */
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';

/** Installs the handlers; returns a function that removes them (on shutdown, in tests). */
export function guardProcess(logger: Logger, metrics?: Metrics): () => void {
  const onRejection = (reason: unknown) => {
    metrics?.processErrors.inc({ kind: 'unhandled_rejection' });
    logger.error('unhandled rejection (logged, the bot keeps serving):', reason instanceof Error ? reason : String(reason));
  };
  const onException = (err: Error) => {
    metrics?.processErrors.inc({ kind: 'uncaught_exception' });
    logger.error('uncaught exception (logged, the bot keeps serving):', err);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
