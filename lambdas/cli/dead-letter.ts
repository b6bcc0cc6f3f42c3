/**
 * A message from the dead-letter queue holds the event itself (EventBridge's target DLQ) or a Lambda
 * on-failure record around it (`requestPayload`, with `requestContext` and the error): `replay` and
 * `classify` both take either, and work on the event.
 */
export function unwrapDeadLetter(raw: unknown): unknown {
  if (typeof raw === 'object' && raw !== null && 'requestPayload' in raw && 'requestContext' in raw) {
    return (raw as { requestPayload: unknown }).requestPayload;
  }
  return raw;
}
