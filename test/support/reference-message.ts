import { type Alert, alertIdOf } from '../../lambdas/domain/alerts/alert';
import { renderChat } from '../../lambdas/domain/alerts/render-chat';
import { renderEmail } from '../../lambdas/domain/alerts/render-email';

/**
 * The SNS message body as `JSON.stringify` writes it from the rendered bodies: what `toSnsMessage` writes in
 * one pass (docs/architecture.md, "Rendering in one pass") must be this text, byte for byte.
 */
export function referenceMessage(alert: Alert): string {
  return JSON.stringify({
    default: JSON.stringify(alert.alertId !== undefined ? alert : { ...alert, alertId: alertIdOf(alert) }),
    email: renderEmail(alert),
    https: JSON.stringify(renderChat(alert)),
  });
}
