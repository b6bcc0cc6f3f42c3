/** What `npm run bench:classify` measures, as one module to bundle the way Lambda bundles are built. */
export { classifyEvent } from '../lambdas/domain/alerts/classify-event';
export { toSnsMessage } from '../lambdas/domain/alerts/sns-message';
