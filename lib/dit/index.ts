/** The DiT network: configurations, counting, the model, its layers and its weights. */
export * from './config';
export { countFlops, gflops, params, type FlopsBreakdown } from './flops';
export { parameterShapes, countParameters, FROZEN_PARAMETERS, FREQUENCY_EMBEDDING_SIZE, type ShapeMap } from './params';
export { DiT, type ForwardOptions, type DiTTrace, type BlockTrace } from './model';
export { patchify, unpatchify, get2dSinCosPosEmbed, sinCos1d, timestepEmbedding, embedLabels, dropLabels, labelDropMask, type PatchOrder } from './embeddings';
export { linear, bmm, layerNorm, geluTanh, silu, modulate, scaledDotProductAttention, selfAttention, crossAttention, mlp, transpose2d } from './layers';
export { saveDiT, loadDiT } from './weights';
