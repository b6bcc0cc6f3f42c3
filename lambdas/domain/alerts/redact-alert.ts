import type { Alert } from './alert';
import { toSubject } from './alert';
import { type Redactor, redact } from './redact';

/**
 * The redaction gate (README "Redaction and hostile input"): every string of an alert, whatever field or list it sits
 * in (title, summary, facts, container reasons, commands and diffs, service events, log lines, links,
 * enrichment errors), passes through the redactor before the alert leaves the function. It walks the
 * whole value, so a text channel added later cannot bypass it. Every output (SNS, and any other)
 * calls it on the alert it is about to send.
 */
export function redactAlert(alert: Alert, redactor: Redactor = redact): Alert {
  const { logExcerpt, ...evidence } = alert.evidence;
  const out = redactValue({ ...alert, evidence }, redactor) as Alert;
  if (logExcerpt) {
    const { lines, ...where } = logExcerpt;
    // Log lines are consecutive log events: a key block or a JWT may span several.
    out.evidence.logExcerpt = { ...(redactValue(where, redactor) as typeof where), lines: redactor.lines(lines) };
  }
  // A redaction may lengthen the title past the SNS subject limit.
  out.title = toSubject(out.title);
  return out;
}

function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, redactor)]));
  }
  return value;
}
