import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What a caller may send as its own request id: short, and nothing that could break a log line. */
const CALLER_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** W3C Trace Context: version-traceid-parentid-flags; an all-zero trace id is invalid. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The id that ties a request's log lines, trace and answer together: the caller's `x-request-id`
 * when it is a plausible one, else the trace id of its `traceparent`, else a new UUID.
 */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = single(headers['x-request-id'])?.trim();
  if (given !== undefined && CALLER_REQUEST_ID.test(given)) return given;
  const traceId = TRACEPARENT.exec(single(headers.traceparent)?.trim().toLowerCase() ?? '')?.[1];
  if (traceId !== undefined && !/^0+$/.test(traceId)) return traceId;
  return randomUUID();
}
