// One cold start: a fresh process imports a bundle and handles one event.
// Prints {initMs, invokeMs, processMs, outcome} as JSON: processMs counts from the
// process's start (performance's time origin), Node's own boot included. Plain JS, so nothing else loads first.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'bench-request',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
};

function describe(result) {
  if (result && typeof result === 'object') {
    if ('statusCode' in result) return `HTTP ${result.statusCode}`;
    if ('batchItemFailures' in result)
      return `${result.batchItemFailures.length} failed of ${event.Records?.length ?? 0}`;
  }
  return result === undefined ? 'ok' : typeof result;
}

const t0 = performance.now();
const mod = await import(pathToFileURL(bundle).href);
const t1 = performance.now();
let outcome;
try {
  outcome = describe(await mod.handler(event, context));
} catch (error) {
  outcome = `threw ${error?.name ?? 'Error'}: ${String(error?.message ?? error).slice(0, 80)}`;
}
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ initMs: t1 - t0, invokeMs: t2 - t1, processMs: t2, outcome })}\n`);
// Open sockets (SDK keep-alive) must not hold the process.
process.exit(0);
