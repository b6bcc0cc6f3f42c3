/**
 * Valid Fargate task sizes: CPU units → allowed memory (MiB), from the task size table of the
 * "Amazon ECS task definition parameters for Fargate" documentation.
 */
const range = (from: number, to: number, step: number): number[] =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
  256: [512, 1024, 2048],
  512: range(1024, 4096, 1024),
  1024: range(2048, 8192, 1024),
  2048: range(4096, 16384, 1024),
  4096: range(8192, 30720, 1024),
  8192: range(16384, 61440, 4096),
  16384: range(32768, 122880, 8192),
};

export function isValidFargateSize(cpu: number, memoryMiB: number): boolean {
  return FARGATE_MEMORY_BY_CPU[cpu]?.includes(memoryMiB) ?? false;
}

export function describeFargateMemoryRange(cpu: number): string {
  const allowed = FARGATE_MEMORY_BY_CPU[cpu];
  if (!allowed)
    return `${cpu} CPU units is not a Fargate size (valid: ${Object.keys(FARGATE_MEMORY_BY_CPU).join(', ')})`;
  return `${cpu} CPU units allows ${allowed[0]}-${allowed[allowed.length - 1]} MiB (${allowed.length} sizes)`;
}

export interface FargateSize {
  cpu: number;
  memoryMiB: number;
}

/** The smallest valid size with more memory: same CPU when it allows more, else the next CPU step. */
export function nextFargateSize(cpu: number, memoryMiB: number): FargateSize | undefined {
  const cpus = Object.keys(FARGATE_MEMORY_BY_CPU)
    .map(Number)
    .sort((a, b) => a - b);
  for (const candidate of cpus) {
    if (candidate < cpu) continue;
    const memory = FARGATE_MEMORY_BY_CPU[candidate]?.find((m) => m > memoryMiB);
    if (memory !== undefined) return { cpu: candidate, memoryMiB: memory };
  }
  return undefined;
}
