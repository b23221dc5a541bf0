import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * Spans through the OpenTelemetry API only. Until the composition root registers a tracer provider
 * (OTEL_ variables set) every tracer is a no-op, so instrumented code costs next to nothing.
 */
const TRACER = 'kda-gateway';

export { SpanKind };

/** Runs `work` in a span that is active for what it calls; a throw marks the span failed and goes on. */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Like `inSpan`, continuing the caller's trace when its headers carry a `traceparent`. */
export async function inServerSpan<T>(
  name: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = propagation.extract(context.active(), headers);
  return context.with(parent, () => inSpan(name, SpanKind.SERVER, attributes, work));
}

/** Marks a span failed with a GraphQL error code, without an exception (the answer carried the error). */
export function failSpan(span: Span, code: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
}
