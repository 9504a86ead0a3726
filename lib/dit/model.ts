/**
 * The DiT network (Peebles & Xie; facebookresearch/DiT models.py) in TensorFlow.js, with the paper's
 * four ways to condition on the timestep t and class y (section 3.2, Figure 3):
 *   in-context       t and y appended as two extra tokens, dropped before the final layer
 *   cross-attention  a cross-attention layer over the tokens [t_emb, y_emb] after self-attention
 *   adaLN            LayerNorm shift and scale regressed from c = t_emb + y_emb
 *   adaLN-Zero       adaLN plus gates before each residual; modulation and final layer start at zero
 *
 * INPUT LAYOUT. x is NHWC: (N, I, I, C), float32 latents. t is (N) timesteps (int or float). y is
 * (N) int32 labels in [0, numClasses]; the value numClasses is the null class (unconditional).
 * The output is NHWC too, (N, I, I, C_out), C_out = 2C with learnSigma: channels [0, C) are eps and
 * [C, 2C) the variance interpolation v. The weights keep PyTorch's names and shapes (params.ts), so
 * NHWC is only the activation layout: channel c of our output is channel c of the official NCHW one.
 *
 * Letters: N batch, T tokens, D hidden, H heads, C channels, p patch.
 */
import { tf } from '../tf';
import { shapeProblems } from '../weights';
import { type DiTConfig, outChannels, validateConfig } from './config';
import { FROZEN_PARAMETERS, FREQUENCY_EMBEDDING_SIZE, modulationChunks, parameterShapes, type ShapeMap } from './params';
import {
  linear,
  linearPretransposed,
  layerNorm,
  layerNormNoGrad,
  geluTanh,
  geluTanhNoGrad,
  silu,
  modulate,
  selfAttention,
  crossAttention,
  mlp,
  attentionKernel,
  type Linear,
  type StackedLinear,
  type AttentionKernel,
} from './layers';
import { patchify, unpatchify, get2dSinCosPosEmbed, timestepEmbedding, embedLabels, dropLabels, labelDropMask } from './embeddings';

type Tensor = tf.Tensor;

export interface ForwardOptions {
  /** Training mode: labels are dropped to the null class with probability classDropoutProb. */
  train?: boolean;
  /** (N) bool/0-1: force these labels to the null class (models.py force_drop_ids). */
  forceDropIds?: Tensor;
}

/** Per-block intermediates the widgets draw. Modulation entries exist only for the adaLN variants. */
export interface BlockTrace {
  /** Self-attention probabilities (N, H, T', T'); T' = T + 2 for in-context. */
  attn: Tensor;
  /** Cross-attention probabilities (N, H, T, 2), cross-attention only. */
  crossAttn?: Tensor;
  shiftMsa?: Tensor;
  scaleMsa?: Tensor;
  gateMsa?: Tensor; // (N, D)
  shiftMlp?: Tensor;
  scaleMlp?: Tensor;
  gateMlp?: Tensor; // (N, D)
  /** The block's output tokens (N, T', D). */
  out: Tensor;
}

export interface DiTTrace {
  /** Patchified input (N, T, C*p*p), features ordered (C, p, p). */
  patches: Tensor;
  /** Patch tokens after the patch embedding and positions (N, T, D). */
  tokens: Tensor;
  tEmb: Tensor;
  yEmb: Tensor;
  /** Conditioning vector c = t_emb + y_emb (N, D). */
  c: Tensor;
  blocks: BlockTrace[];
  /** Tokens entering the final layer (N, T, D) (in-context: after dropping the t, y tokens). */
  final: Tensor;
  /** Final-layer shift and scale (N, D), adaLN variants only. */
  finalShift?: Tensor;
  finalScale?: Tensor;
}

export class DiT {
  readonly config: DiTConfig;
  private readonly params = new Map<string, tf.Variable>();
  private readonly shapes: ShapeMap;
  /**
   * W^T (in, out) and bias of each linear for infer(), or of one of its k stacked parts (the qkv
   * projection's q, k and v; the adaLN modulation's shift, scale and gate chunks), made on first use
   * and remade when the weights change (assign gives a variable new data, so `sources` no longer
   * match). Freed by dispose().
   */
  private readonly transposed = new Map<string, { sources: [object, object]; wT: Tensor; b: Tensor }>();
  /** True while infer() runs: lin() hands out the cached W^T path. */
  private inferring = false;
  /**
   * The attention kernel forward() and infer() use when no trace asks for the probabilities: 'auto' is
   * attentionKernel() for the active backend (depthwise on wasm). Set it to compare kernels
   * (scripts/bench/sampler-forward.ts, the tests).
   */
  attention: AttentionKernel | 'auto' = 'auto';

  // ===========================================================================================
  //                                  Construction / initialisation
  // ===========================================================================================

  /** Creates and initialises the weights as models.py initialize_weights does (seeded). */
  constructor(config: DiTConfig, seed = 0) {
    validateConfig(config);
    this.config = { ...config };
    this.shapes = parameterShapes(config);
    const zeroInit = config.conditioning === 'adaLN-Zero';
    let k = 0;
    for (const [name, shape] of Object.entries(this.shapes)) {
      const s = seed * 100_003 + 17 * k++;
      const init = tf.tidy(() => {
        if (name === 'pos_embed') return tf.tensor(get2dSinCosPosEmbed(config.hiddenSize, config.inputSize / config.patchSize), shape);
        if (name.endsWith('.bias')) return tf.zeros(shape);
        // Label table and timestep MLP: normal(0, 0.02).
        if (name.startsWith('y_embedder') || name.startsWith('t_embedder')) return tf.randomNormal(shape, 0, 0.02, 'float32', s);
        // adaLN-Zero: modulation and output layer zero, so every block starts as the identity.
        if (zeroInit && (name.includes('adaLN_modulation') || name === 'final_layer.linear.weight')) return tf.zeros(shape);
        // Xavier-uniform for linears and for the patch embedding viewed as a linear (D, C*p*p).
        const fanOut = shape[0];
        const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
        const bound = Math.sqrt(6 / (fanIn + fanOut));
        return tf.randomUniform(shape, -bound, bound, 'float32', s);
      });
      this.params.set(name, tf.variable(init, !FROZEN_PARAMETERS.has(name)));
      init.dispose();
    }
  }

  private w(name: string): tf.Variable {
    const v = this.params.get(name);
    if (!v) throw new Error(`DiT: no parameter '${name}'`);
    return v;
  }

  /**
   * The cached W^T (in, out/k) and bias (out/k) of part j of k of the linear `prefix`: rows
   * [j out/k, (j+1) out/k) of its weight (out, ...), viewed as a matrix (out, in). k = 1 is the whole.
   */
  private partT(prefix: string, j = 0, k = 1): { wT: Tensor; b: Tensor } {
    const w = this.w(`${prefix}.weight`);
    const bias = this.w(`${prefix}.bias`);
    const key = `${prefix}#${j}/${k}`;
    const hit = this.transposed.get(key);
    if (hit && hit.sources[0] === w.dataId && hit.sources[1] === bias.dataId) return hit;
    if (hit) tf.dispose([hit.wT, hit.b]);
    const rows = (w.shape[0] as number) / k;
    const entry = tf.tidy(() => ({
      wT: tf.keep(tf.transpose(tf.slice(tf.reshape(w, [w.shape[0], -1]), [j * rows, 0], [rows, -1]))), // (in, out/k)
      b: tf.keep(tf.slice(bias, [j * rows], [rows])),
    }));
    this.transposed.set(key, { sources: [w.dataId, bias.dataId], ...entry });
    return entry;
  }

  /**
   * The linear layer `prefix` (prefix.weight (out, in), prefix.bias (out)): the differentiable
   * linear() in forward, the cached-W^T linearPretransposed() in infer().
   */
  private lin(prefix: string): Linear {
    return this.stacked(prefix, 1)[0];
  }

  /**
   * A linear whose output stacks k parts (qkv, kv, the adaLN chunks) as k linears on blocks of rows of
   * its weight: sliced from the live weights in forward (the gradient pads each block's back into
   * place), cached in infer(). Splitting the output instead costs a copy of the activations per part
   * (layers.ts, StackedLinear). k = 1 is the plain linear.
   */
  private stacked(prefix: string, k: number): StackedLinear {
    const w = this.w(`${prefix}.weight`);
    const bias = this.w(`${prefix}.bias`);
    const rows = (w.shape[0] as number) / k;
    return Array.from({ length: k }, (_, j) => {
      if (this.inferring) {
        const { wT, b } = this.partT(prefix, j, k);
        return (x: Tensor) => linearPretransposed(x, wT, b);
      }
      const wj = k === 1 ? w : tf.slice(w, [j * rows, 0], [rows, -1]); // (out/k, in)
      const bj = k === 1 ? bias : tf.slice(bias, [j * rows], [rows]);
      return (x: Tensor) => linear(x, wj, bj);
    });
  }

  /** The k chunks (N, D) of the linear `prefix` applied to h (N, in). */
  private chunks(prefix: string, h: Tensor, k: number): Tensor[] {
    return this.stacked(prefix, k).map((f) => f(h));
  }

  // ===========================================================================================
  //                                  Embedding layers
  // ===========================================================================================

  /** Patch embedding: tokens = patchify(x) W^T + b + pos_embed. (N, T, D) */
  private embedPatches(patches: Tensor): Tensor {
    if (this.inferring) return tf.add(this.lin('x_embedder.proj')(patches), this.w('pos_embed'));
    const D = this.config.hiddenSize;
    const wFlat = tf.reshape(this.w('x_embedder.proj.weight'), [D, -1]); // (D, C*p*p)
    return tf.add(linear(patches, wFlat, this.w('x_embedder.proj.bias')), this.w('pos_embed'));
  }

  /** TimestepEmbedder: 256 sinusoidal features -> Linear -> SiLU -> Linear. (N, D) */
  private embedTimesteps(t: Tensor): Tensor {
    const f = timestepEmbedding(t, FREQUENCY_EMBEDDING_SIZE);
    const h = silu(this.lin('t_embedder.mlp.0')(f));
    return this.lin('t_embedder.mlp.2')(h);
  }

  /** LabelEmbedder: with dropout for CFG in training or when forced. (N, D) */
  private embedLabelsWithDrop(y: Tensor, opts: ForwardOptions): Tensor {
    const { numClasses, classDropoutProb } = this.config;
    let labels = tf.cast(y, 'int32');
    if (classDropoutProb > 0 && (opts.train || opts.forceDropIds)) {
      const drop = opts.forceDropIds ?? labelDropMask(y.shape[0] as number, classDropoutProb);
      labels = dropLabels(labels, drop, numClasses);
    }
    return embedLabels(labels, this.w('y_embedder.embedding_table.weight'));
  }

  // ===========================================================================================
  //                                  Core DiT blocks
  // ===========================================================================================

  /** LayerNorm without affine parameters: without a custom gradient in infer(). */
  private norm(x: Tensor): Tensor {
    return this.inferring ? layerNormNoGrad(x) : layerNorm(x);
  }

  /**
   * One DiT block for the configured conditioning (Eq. adaln-zero when it is adaLN-Zero). x (N, T', D),
   * siluC = SiLU(c) (N, D), the input of every adaLN modulation, ctx (N, 2, D).
   */
  private block(i: number, x: Tensor, siluC: Tensor, ctx: Tensor, trace: BlockTrace[] | null): Tensor {
    const b = `blocks.${i}`;
    const heads = this.config.numHeads;
    // Traces need the probabilities, which only the batched-matmul kernel returns; trace is null in infer().
    const kernel: AttentionKernel = trace ? 'batched-matmul' : this.attention === 'auto' ? attentionKernel() : this.attention;
    const opts = { kernel, withProbs: trace !== null, grad: !this.inferring };
    const attn = (h: Tensor) => selfAttention(h, { qkv: this.stacked(`${b}.attn.qkv`, 3), proj: this.lin(`${b}.attn.proj`) }, heads, opts);
    const ff = (h: Tensor) => mlp(h, this.lin(`${b}.mlp.fc1`), this.lin(`${b}.mlp.fc2`), this.inferring ? geluTanhNoGrad : geluTanh);
    const rec = {} as BlockTrace;
    const kind = this.config.conditioning;

    if (kind === 'adaLN' || kind === 'adaLN-Zero') {
      const chunks = this.chunks(`${b}.adaLN_modulation.1`, siluC, modulationChunks(this.config)); // k x (N, D)
      const [shiftMsa, scaleMsa, gateMsa, shiftMlp, scaleMlp, gateMlp] =
        kind === 'adaLN-Zero' ? chunks : [chunks[0], chunks[1], null, chunks[2], chunks[3], null];
      Object.assign(rec, { shiftMsa, scaleMsa, shiftMlp, scaleMlp }, gateMsa ? { gateMsa, gateMlp } : {});
      const a = attn(modulate(this.norm(x), shiftMsa, scaleMsa));
      if (a.probs) rec.attn = a.probs;
      // Eq. adaln-zero: x + gate * branch(modulate(norm(x))); gates broadcast over tokens.
      x = tf.add(x, gateMsa ? tf.mul(tf.expandDims(gateMsa, 1), a.out) : a.out);
      const m = ff(modulate(this.norm(x), shiftMlp, scaleMlp));
      x = tf.add(x, gateMlp ? tf.mul(tf.expandDims(gateMlp, 1), m) : m);
    } else {
      const a = attn(this.norm(x));
      if (a.probs) rec.attn = a.probs;
      x = tf.add(x, a.out);
      if (kind === 'cross-attention') {
        const ca = crossAttention(
          this.norm(x),
          ctx,
          { q: this.lin(`${b}.cross_attn.q`), kv: this.stacked(`${b}.cross_attn.kv`, 2), proj: this.lin(`${b}.cross_attn.proj`) },
          heads,
          opts,
        );
        if (ca.probs) rec.crossAttn = ca.probs;
        x = tf.add(x, ca.out);
      }
      x = tf.add(x, ff(this.norm(x)));
    }
    rec.out = x;
    trace?.push(rec);
    return x;
  }

  /** FinalLayer: (modulated) LayerNorm, then Linear to p*p*C_out per token. (N, T, p*p*C_out) */
  private finalLayer(x: Tensor, siluC: Tensor, trace: DiTTrace | null): Tensor {
    let h = this.norm(x);
    if (modulationChunks(this.config) > 0) {
      const [shift, scale] = this.chunks('final_layer.adaLN_modulation.1', siluC, 2); // (N, D) each
      if (trace) Object.assign(trace, { finalShift: shift, finalScale: scale });
      h = modulate(h, shift, scale);
    }
    return this.lin('final_layer.linear')(h);
  }

  // ===========================================================================================
  //                                  Forward
  // ===========================================================================================

  private run(x: Tensor, t: Tensor, y: Tensor, opts: ForwardOptions, trace: DiTTrace | null): Tensor {
    const { inputSize, inChannels, patchSize, conditioning } = this.config;
    if (x.rank !== 4 || x.shape[1] !== inputSize || x.shape[2] !== inputSize || x.shape[3] !== inChannels) {
      throw new Error(`DiT.forward: x must be NHWC (N, ${inputSize}, ${inputSize}, ${inChannels}); got (${x.shape.join(', ')})`);
    }
    if (t.rank !== 1 || y.rank !== 1 || t.shape[0] !== x.shape[0] || y.shape[0] !== x.shape[0]) {
      throw new Error(`DiT.forward: t and y must be (N) with N = ${x.shape[0]}; got t (${t.shape.join(', ')}), y (${y.shape.join(', ')})`);
    }
    const patches = patchify(x, patchSize); // (N, T, C*p*p)
    const tokens = this.embedPatches(patches); // (N, T, D)
    const tEmb = this.embedTimesteps(t); // (N, D)
    const yEmb = this.embedLabelsWithDrop(y, opts); // (N, D)
    const c = tf.add(tEmb, yEmb); // (N, D)
    const ctx = tf.stack([tEmb, yEmb], 1); // (N, 2, D): the in-context / cross-attention tokens
    const T = tokens.shape[1] as number;
    let h = conditioning === 'in-context' ? tf.concat([tokens, ctx], 1) : tokens; // (N, T', D)
    const siluC = modulationChunks(this.config) > 0 ? silu(c) : c; // what every adaLN modulation reads (unused otherwise)
    const blocks: BlockTrace[] | null = trace ? [] : null;
    // In infer() each block runs in its own tidy, so only one block's intermediates are alive at a time
    // (forward keeps them: the gradient tape and traces need them). At batch 250 (a CFG chunk of 125)
    // L/1's intermediates for all 8 blocks filled the 4 GiB wasm heap.
    for (let i = 0; i < this.config.depth; i++) {
      const prev = h;
      h = this.inferring ? tf.tidy(() => this.block(i, prev, siluC, ctx, null)) : this.block(i, prev, siluC, ctx, blocks);
    }
    if (conditioning === 'in-context') h = tf.slice(h, [0, 0, 0], [-1, T, -1]); // drop the t, y tokens
    if (trace) Object.assign(trace, { patches, tokens, tEmb, yEmb, c, blocks, final: h });
    const out = this.finalLayer(h, siluC, trace); // (N, T, p*p*C_out)
    return unpatchify(out, patchSize, outChannels(this.config)); // (N, I, I, C_out)
  }

  /** The network's output (N, I, I, C_out) for NHWC latents x, timesteps t and labels y. */
  forward(x: Tensor, t: Tensor, y: Tensor, opts: ForwardOptions = {}): tf.Tensor4D {
    return tf.tidy(() => this.run(x, t, y, opts, null)) as tf.Tensor4D;
  }

  /**
   * The same function as forward (labels dropped only where forceDropIds says), for sampling and
   * evaluation, faster: every linear multiplies by a cached W^T (see partT) instead of transposing
   * W on each call, the form tfjs-wasm runs fastest (lib/dit/layers.ts linearPretransposed). No
   * gradient reaches the weights through infer(): differentiate forward, never this. The cache holds
   * one tensor per linear weight until dispose().
   */
  infer(x: Tensor, t: Tensor, y: Tensor, opts: Pick<ForwardOptions, 'forceDropIds'> = {}): tf.Tensor4D {
    this.inferring = true;
    try {
      return tf.tidy(() => this.run(x, t, y, { forceDropIds: opts.forceDropIds }, null)) as tf.Tensor4D;
    } finally {
      this.inferring = false;
    }
  }

  /** forward plus the named intermediates (DiTTrace). The caller disposes both (tf.dispose(result)). */
  forwardWithTrace(x: Tensor, t: Tensor, y: Tensor, opts: ForwardOptions = {}): { out: tf.Tensor4D; trace: DiTTrace } {
    return tf.tidy(() => {
      const trace = {} as DiTTrace;
      const out = this.run(x, t, y, opts, trace) as tf.Tensor4D;
      return { out, trace } as unknown as tf.TensorContainerObject;
    }) as unknown as { out: tf.Tensor4D; trace: DiTTrace };
  }

  // ===========================================================================================
  //                                  Weights
  // ===========================================================================================

  /** Parameter shapes by state_dict key (PyTorch shapes). */
  expectedShapes(): ShapeMap {
    return parameterShapes(this.config);
  }

  /** The weights by official state_dict key, PyTorch shapes. These are the live variables: do not dispose. */
  stateDict(): Record<string, tf.Variable> {
    return Object.fromEntries(this.params);
  }

  /** Variables an optimiser trains (all but pos_embed). */
  get trainableVariables(): tf.Variable[] {
    return [...this.params.entries()].filter(([n]) => !FROZEN_PARAMETERS.has(n)).map(([, v]) => v);
  }

  /** Copies tensors into the weights after checking every name and shape; the caller keeps ownership. */
  loadStateDict(tensors: Record<string, Tensor>): void {
    const problems = shapeProblems(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.shape])), this.shapes);
    if (problems.length) throw new Error(`DiT.loadStateDict (${this.config.conditioning}): ${problems.join('; ')}`);
    tf.tidy(() => {
      for (const [name, v] of this.params) v.assign(tf.cast(tensors[name], 'float32'));
    });
  }

  dispose(): void {
    for (const { wT, b } of this.transposed.values()) tf.dispose([wT, b]);
    this.transposed.clear();
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
