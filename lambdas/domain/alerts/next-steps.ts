import { leadingApiErrorCode } from '../stops/api-error-codes';
import { normalizeReason } from '../stops/stop-reasons';
import { STOP_RULES } from '../stops/stop-rules';
import type { StopCategory } from '../stops/taxonomy';

/** A narrower cause read from the reason text, with the steps that fit it. */
export interface SubCause {
  cause: string;
  steps: string[];
}

/**
 * The category's sub-cause rules (stop-rules.ts) on the reason; else, when the reason is an AWS API error code of
 * this category (api-error-codes.ts), what that code means.
 */
export function subCause(category: StopCategory, reason: string | undefined): SubCause | undefined {
  const text = normalizeReason(reason);
  if (!text) return undefined;
  const rule = STOP_RULES[category].subCauses.find((r) => r.pattern.test(text));
  if (rule) return { cause: rule.cause, steps: rule.steps };
  const code = leadingApiErrorCode(text);
  return code?.category === category ? { cause: `${code.code}: ${code.meaning}`, steps: [] } : undefined;
}

/** Ordered next steps: the sub-cause's specific fixes first, then the category's general checks. */
export function nextStepsFor(category: StopCategory, reason: string | undefined): string[] {
  return stepsFor(category, subCause(category, reason));
}

export function stepsFor(category: StopCategory, sub: SubCause | undefined): string[] {
  const general = STOP_RULES[category].nextSteps;
  return sub && sub.steps.length > 0 ? [...sub.steps, ...general] : [...general];
}
