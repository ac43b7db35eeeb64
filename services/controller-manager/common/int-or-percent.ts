import type { IntOrString } from '../../../lib/api/generated/index.js';

class InvalidIntOrPercentError extends Error {
  override readonly name = 'InvalidIntOrPercentError';
}

/** An IntOrString of `total`: a number as is, `25%` scaled and rounded up or down (Kubernetes' GetScaledValueFromIntOrPercent). */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (!value) return 0;
  if (value.strVal === undefined || value.strVal === '') return value.intVal ?? 0;
  const match = /^(\d+)%$/.exec(value.strVal);
  if (!match) throw new InvalidIntOrPercentError(`invalid value for IntOrString: invalid value ${JSON.stringify(value.strVal)}`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
