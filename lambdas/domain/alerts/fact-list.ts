import type { Fact } from './alert';

/** Collects label/value facts, skipping empty values. */
export class FactList {
  readonly facts: Fact[] = [];

  add(label: string, value: string | number | boolean | undefined): this {
    if (value !== undefined && value !== '') this.facts.push({ label, value: String(value) });
    return this;
  }
}
