/**
 * Modules a Lambda entry loads with `import()` only when it needs them, each bundled into its own file
 * next to the handler (`<name>.mjs`), so that their SDK clients cost the other invocations neither
 * bundle parsing nor import time. Used by the function construct (infra) and `bench/bundle.ts`.
 */
export const LAZY_MODULES: Readonly<Record<string, readonly string[]>> = {
  'task-stopped': ['load-balancing-readers'],
};
