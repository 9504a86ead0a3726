/**
 * The scoring a DiT's samples gets: conditional accuracy by the shipped classifier and FLD (Frechet
 * LeNet Distance) against the test split, from lib/metrics, plus the floors FLD is read against.
 */
export interface Evaluator {
  /** images: N x 1,024 values in [0, 1] (32x32 row-major); labels: the class each was drawn for. */
  score(images: Float32Array, labels: Int32Array): { fld: number; conditionalAccuracy: number };
  floors: Record<string, number>;
  classifierName: string;
  reference: string;
  dispose(): void;
}

export function loadEvaluator(): Evaluator {
  throw new Error('lib/metrics is not available yet');
}
