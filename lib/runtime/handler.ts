/**
 * The model worker's message handling, as a plain module: model.worker.ts feeds it the messages it
 * receives, and the unit tests feed it messages directly on Node's wasm or cpu backend.
 *
 * Requests (protocol.ts) carry ids. 'sample' requests are exclusive per channel (one per widget): a
 * newer one marks the running one of its channel cancelled, and that one stops before its next step
 * (it answers 'cancelled'); queued ones that were overtaken never start. Runs of different channels
 * take turns in arrival order. Between two steps the loop yields to the event loop, because a
 * message event is a task and awaiting tensor data alone only runs microtasks: without the yield a
 * newer request would wait until the whole run ended.
 */
import type { BackendName } from './backend';
import {
  type AttentionMapsResult,
  type AttentionParams,
  type BackendInfo,
  type ErrorKind,
  type ModelInfo,
  type WorkerRequest,
  type WorkerResponse,
  validateAttentionParams,
  validateEncodeParams,
  validateSampleParams,
} from './protocol';
import { SamplingRun, type SamplerModel } from './sampling';

export interface LoadedModel {
  sampler: SamplerModel;
  info: Omit<ModelInfo, 'model'>;
  dispose(): void;
}

/** A VAE encoder in the worker (lib/runtime/inspect.ts builds it): pictures -> scaled latents. */
export interface LoadedEncoder {
  encode(pixels: Float32Array, count: number): Promise<{ latents: Float32Array; latentSize: number; latentChannels: number; scaleFactor: number }>;
  dispose(): void;
}

/** A DiT with its VAE, run once with its attention probabilities traced (lib/runtime/inspect.ts). */
export interface LoadedInspector {
  attention(p: Pick<AttentionParams, 'pixels' | 'label' | 't' | 'seed'>): Promise<Omit<AttentionMapsResult, 'ms' | 'backend'>>;
  dispose(): void;
}

/** Errors with a kind the widget words differently ("the model's weights could not be loaded ..."). */
export class RuntimeError extends Error {
  constructor(readonly kind: ErrorKind, message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

export interface RuntimeEnv {
  /** Picks, initialises and smoke-tests a backend (backend-init.ts in the browser). */
  initBackend(override: BackendName | null, baseUrl: string): Promise<BackendInfo>;
  /** Fetches, verifies and builds a model folder (model-loader.ts); throws RuntimeError('weights', ...) with a reader-facing reason. */
  loadModel(model: string, baseUrl: string, onProgress: (loaded: number, total: number, file: string) => void): Promise<LoadedModel>;
  post(msg: WorkerResponse): void;
  /** Lets pending message events run (setTimeout 0 or a MessageChannel round trip). */
  yieldToEvents(): Promise<void>;
  now(): number;
  memory(): { numTensors: number; numBytes: number; backend: string };
  /** Throws outside any handler (test hook for the page's restart logic). */
  crash(): void;
  /** Builds a VAE encoder from a VAE folder ('encode' requests); absent where the runtime cannot encode. */
  loadEncoder?(vae: string, baseUrl: string, onProgress: (loaded: number, total: number, file: string) => void): Promise<LoadedEncoder>;
  /** Builds a DiT + VAE that report attention maps ('attention' requests). */
  loadInspector?(model: string, baseUrl: string, onProgress: (loaded: number, total: number, file: string) => void): Promise<LoadedInspector>;
}

type OnceRequest = Extract<WorkerRequest, { type: 'encode' | 'attention' }>;

interface Running {
  id: number;
  channel: string;
  cancelled: boolean;
}

export class ModelRuntime {
  private backend: Promise<BackendInfo> | null = null;
  private override: BackendName | null = null;
  private baseUrl = '/';
  private readonly models = new Map<string, Promise<LoadedModel>>();
  /** Encoders and inspectors by 'encode:folder' / 'attention:folder'; one of each kind at a time. */
  private readonly tools = new Map<string, Promise<LoadedEncoder | LoadedInspector>>();
  /** Newest sample request id per channel: older ones of that channel are skipped or stopped. */
  private readonly latest = new Map<string, number>();
  private readonly cancelledIds = new Set<number>();
  private running: Running | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly env: RuntimeEnv) {}

  /** Resolves when the request is handled (for 'sample', when it is queued; see idle()). */
  async handle(req: WorkerRequest): Promise<void> {
    switch (req.type) {
      case 'init': {
        this.override = req.backend;
        this.baseUrl = req.baseUrl;
        try {
          this.env.post({ type: 'ready', id: req.id, ...(await this.ensureBackend()) });
        } catch (e) {
          this.fail(req.id, e, 'backend');
        }
        return;
      }
      case 'load': {
        try {
          await this.ensureBackend();
          const m = await this.ensureModel(req.model, req.id);
          this.env.post({ type: 'loaded', id: req.id, model: req.model, ...m.info });
        } catch (e) {
          this.fail(req.id, e, 'weights');
        }
        return;
      }
      case 'sample': {
        const errs = validateSampleParams(req);
        if (errs.length) {
          this.env.post({ type: 'error', id: req.id, kind: 'request', message: errs.join('; ') });
          return;
        }
        this.latest.set(req.channel, Math.max(this.latest.get(req.channel) ?? -Infinity, req.id));
        if (this.running?.channel === req.channel) this.running.cancelled = true;
        this.chain = this.chain.then(() => this.runSample(req));
        return;
      }
      case 'encode':
      case 'attention': {
        const errs = req.type === 'encode' ? validateEncodeParams(req) : validateAttentionParams(req);
        if (errs.length) {
          this.env.post({ type: 'error', id: req.id, kind: 'request', message: errs.join('; ') });
          return;
        }
        this.latest.set(req.channel, Math.max(this.latest.get(req.channel) ?? -Infinity, req.id));
        this.chain = this.chain.then(() => this.runOnce(req));
        return;
      }
      case 'cancel': {
        if (this.running?.id === req.id) this.running.cancelled = true;
        else this.cancelledIds.add(req.id);
        return;
      }
      case 'stats': {
        this.env.post({ type: 'stats', id: req.id, ...this.env.memory() });
        return;
      }
      case 'crash': {
        this.env.crash();
        return;
      }
      default: {
        const unknown = req as { id?: number; type?: unknown };
        this.env.post({ type: 'error', id: unknown.id ?? -1, kind: 'request', message: `unknown request type '${String(unknown.type)}'` });
      }
    }
  }

  /** Resolves once every queued sample request has finished (tests). */
  idle(): Promise<void> {
    return this.chain;
  }

  private ensureBackend(): Promise<BackendInfo> {
    if (!this.backend) {
      this.backend = this.env.initBackend(this.override, this.baseUrl);
      this.backend.catch(() => {
        this.backend = null; // a later request tries again
      });
    }
    return this.backend;
  }

  private ensureModel(model: string, requestId: number): Promise<LoadedModel> {
    let p = this.models.get(model);
    if (!p) {
      p = this.env.loadModel(model, this.baseUrl, (loaded, total, file) =>
        this.env.post({ type: 'load-progress', id: requestId, loaded, total, file }),
      );
      this.models.set(model, p);
      p.then(
        (loadedModel) => {
          // One model at a time: the widgets on a page share one, and each holds a few MB of weights.
          for (const [name, other] of this.models) {
            if (name !== model) {
              this.models.delete(name);
              void other.then((m) => m !== loadedModel && m.dispose(), () => undefined);
            }
          }
        },
        () => this.models.delete(model), // retried on the next request
      );
    }
    return p;
  }

  private async runSample(req: Extract<WorkerRequest, { type: 'sample' }>): Promise<void> {
    const { id } = req;
    if (id < (this.latest.get(req.channel) ?? -Infinity) || this.cancelledIds.delete(id)) {
      this.env.post({ type: 'cancelled', id, atStep: 0 });
      return;
    }
    const state: Running = { id, channel: req.channel, cancelled: false };
    this.running = state;
    let run: SamplingRun | null = null;
    let stage: ErrorKind = 'backend';
    try {
      const info = await this.ensureBackend();
      stage = 'weights';
      const model = await this.ensureModel(req.model, id);
      stage = 'internal';
      if (state.cancelled) {
        this.env.post({ type: 'cancelled', id, atStep: 0 });
        return;
      }
      const started = this.env.now();
      run = new SamplingRun(model.sampler, req);
      // The first picture: x_T decoded, at once (no network call), so a change shows within a frame or two.
      let t0 = this.env.now();
      this.env.post({ type: 'step', id, ...(await run.start(true)), ms: this.env.now() - t0 });
      let lastGrid = t0;
      while (!run.done) {
        await this.env.yieldToEvents();
        if (state.cancelled) {
          this.env.post({ type: 'cancelled', id, atStep: run.stepsTaken });
          return;
        }
        t0 = this.env.now();
        const last = run.stepsTaken === run.totalSteps - 1;
        const withGrid = last || t0 - lastGrid >= req.previewEveryMs;
        if (withGrid) lastGrid = t0;
        const out = await run.step(withGrid);
        this.env.post({ type: 'step', id, ...out, ms: this.env.now() - t0 });
      }
      const final = await run.finish();
      const totalMs = this.env.now() - started;
      this.env.post({ type: 'done', id, images: final.images, labels: final.labels, totalMs, msPerStep: totalMs / run.totalSteps, backend: info.backend });
    } catch (e) {
      this.fail(id, e, stage);
    } finally {
      run?.dispose();
      if (this.running === state) this.running = null;
    }
  }

  /** A request overtaken by a newer one of its channel, or cancelled by id, while it waited. */
  private overtaken(id: number, channel: string): boolean {
    return id < (this.latest.get(channel) ?? -Infinity) || this.cancelledIds.delete(id);
  }

  private ensureTool<T extends LoadedEncoder | LoadedInspector>(kind: OnceRequest['type'], folder: string, requestId: number, load: (onProgress: (loaded: number, total: number, file: string) => void) => Promise<T>): Promise<T> {
    const key = `${kind}:${folder}`;
    let p = this.tools.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load((loaded, total, file) => this.env.post({ type: 'load-progress', id: requestId, loaded, total, file }));
      this.tools.set(key, p);
      p.then(
        (tool) => {
          // One of each kind at a time, as for the sampling models.
          for (const [name, other] of this.tools) {
            if (name !== key && name.startsWith(`${kind}:`)) {
              this.tools.delete(name);
              void other.then((m) => m !== tool && m.dispose(), () => undefined);
            }
          }
        },
        () => this.tools.delete(key), // retried on the next request
      );
    }
    return p;
  }

  /** 'encode' and 'attention': one computation, no steps; skipped when a newer request of its channel arrived meanwhile. */
  private async runOnce(req: OnceRequest): Promise<void> {
    const { id } = req;
    if (this.overtaken(id, req.channel)) {
      this.env.post({ type: 'cancelled', id, atStep: 0 });
      return;
    }
    const state: Running = { id, channel: req.channel, cancelled: false };
    this.running = state;
    let stage: ErrorKind = 'backend';
    try {
      const info = await this.ensureBackend();
      stage = 'weights';
      const { loadEncoder, loadInspector } = this.env;
      if (req.type === 'encode') {
        if (!loadEncoder) throw new RuntimeError('request', 'this runtime cannot encode pictures');
        const enc = await this.ensureTool('encode', req.vae, id, (onProgress) => loadEncoder(req.vae, this.baseUrl, onProgress));
        stage = 'internal';
        if (state.cancelled || this.overtaken(id, req.channel)) return this.env.post({ type: 'cancelled', id, atStep: 0 });
        const t0 = this.env.now();
        const out = await enc.encode(req.pixels, req.count);
        this.env.post({ type: 'encoded', id, ...out, ms: this.env.now() - t0, backend: info.backend });
      } else {
        if (!loadInspector) throw new RuntimeError('request', 'this runtime cannot trace attention');
        const insp = await this.ensureTool('attention', req.model, id, (onProgress) => loadInspector(req.model, this.baseUrl, onProgress));
        stage = 'internal';
        if (state.cancelled || this.overtaken(id, req.channel)) return this.env.post({ type: 'cancelled', id, atStep: 0 });
        const t0 = this.env.now();
        const out = await insp.attention(req);
        this.env.post({ type: 'attention-maps', id, ...out, ms: this.env.now() - t0, backend: info.backend });
      }
    } catch (e) {
      this.fail(id, e, stage);
    } finally {
      if (this.running === state) this.running = null;
    }
  }

  private fail(id: number, e: unknown, fallbackKind: ErrorKind): void {
    const kind = e instanceof RuntimeError ? e.kind : fallbackKind;
    const message = e instanceof Error ? e.message : String(e);
    this.env.post({ type: 'error', id, kind, message });
  }
}
