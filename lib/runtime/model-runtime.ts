/**
 * The model worker's message handling (dispatch), as a plain module: lib/worker/model.worker.ts feeds it the messages it
 * receives, and the unit tests feed it messages directly on Node's wasm or cpu backend.
 *
 * Requests (lib/worker/protocol.ts) carry ids. 'sample' requests are exclusive per channel (one per widget): a
 * newer one cancels the older ones of its channel, which stop before their next step (they answer
 * 'cancelled'); one overtaken before its first step never starts. Runs of different channels
 * interleave step by step (Turns: one unit of work at a time, first come first served), so a widget
 * the reader touches answers within a step of the others' runs instead of after them; on a page with
 * the sampler and the guidance sweep, a serial queue left a slider change waiting minutes on WASM.
 * Before each turn the run yields to the event loop, because a message event is a task and awaiting
 * tensor data alone only runs microtasks: without the yield a newer request would wait for the run.
 */
import type { BackendName } from '../backend/plan';
import {
  type BackendInfo,
  type ErrorKind,
  type WorkerRequest,
  type WorkerResponse,
  validateAttentionParams,
  validateEncodeParams,
  validateSampleParams,
} from '../worker/protocol';
import { SamplingRun } from '../sample/run';
import { TEST_HOOKS } from '../test-hooks';
import { RuntimeError, type LoadedEncoder, type LoadedInspector, type LoadedModel } from '../load/loaded';

export interface RuntimeEnv {
  /** Picks, initialises and smoke-tests a backend (lib/backend/init.ts in the browser). */
  initBackend(override: BackendName | null, baseUrl: string, threads?: number | null): Promise<BackendInfo>;
  /** Fetches, verifies and builds a model folder (lib/load/model-loader.ts); throws RuntimeError('weights', ...) with a reader-facing reason. */
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

type Disposable = { dispose(): void };

type OnceRequest = Extract<WorkerRequest, { type: 'encode' | 'attention' }>;

interface Running {
  id: number;
  channel: string;
  cancelled: boolean;
}

/**
 * One unit of compute at a time (a sampling step, an encode, a traced pass), granted first come first
 * served: a run that queues again after its step goes behind the runs already waiting (round robin).
 */
export class Turns {
  private busy = false;
  private readonly waiting: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy = true;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }
}

export class ModelRuntime {
  private backend: Promise<BackendInfo> | null = null;
  private override: BackendName | null = null;
  private threads: number | null = null;
  private baseUrl = '/';
  private readonly models = new Map<string, Promise<LoadedModel>>();
  /** Encoders and inspectors by 'encode:folder' / 'attention:folder'; one of each kind at a time. */
  private readonly tools = new Map<string, Promise<LoadedEncoder | LoadedInspector>>();
  /** Newest request id per channel: older ones of that channel are skipped or stopped. */
  private readonly latest = new Map<string, number>();
  /** Requests received and not yet answered to the end, by id ('cancel' marks them). */
  private readonly live = new Map<number, Running>();
  private readonly turns = new Turns();
  private readonly pending = new Set<Promise<void>>();
  /** Runs using each loaded model or tool, and those replaced while in use (disposed when the last run ends). */
  private readonly uses = new Map<Disposable, number>();
  private readonly evicted = new Set<Disposable>();

  constructor(private readonly env: RuntimeEnv) {}

  /** Resolves when the request is handled (for 'sample', when it is queued; see idle()). */
  async handle(req: WorkerRequest): Promise<void> {
    switch (req.type) {
      case 'init': {
        this.override = req.backend;
        this.threads = req.threads ?? null;
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
        this.track(req, (state) => this.runSample(req, state));
        return;
      }
      case 'encode':
      case 'attention': {
        const errs = req.type === 'encode' ? validateEncodeParams(req) : validateAttentionParams(req);
        if (errs.length) {
          this.env.post({ type: 'error', id: req.id, kind: 'request', message: errs.join('; ') });
          return;
        }
        this.track(req, (state) => this.runOnce(req, state));
        return;
      }
      case 'cancel': {
        const state = this.live.get(req.id);
        if (state) state.cancelled = true;
        return;
      }
      case 'stats': {
        this.env.post({ type: 'stats', id: req.id, ...this.env.memory() });
        return;
      }
      case 'crash':
        // A test hook (lib/test-hooks.ts): without it, an unknown request like any other.
        if (TEST_HOOKS) {
          this.env.crash();
          return;
        }
      // falls through
      default: {
        const unknown = req as { id?: number; type?: unknown };
        this.env.post({ type: 'error', id: unknown.id ?? -1, kind: 'request', message: `unknown request type '${String(unknown.type)}'` });
      }
    }
  }

  /** Resolves once every request received so far has been answered to the end (tests). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Starts a run at once (it waits for its turns), marking it live until it ends. */
  private track(req: { id: number; channel: string }, body: (state: Running) => Promise<void>): void {
    this.latest.set(req.channel, Math.max(this.latest.get(req.channel) ?? -Infinity, req.id));
    const state: Running = { id: req.id, channel: req.channel, cancelled: false };
    this.live.set(req.id, state);
    const p = body(state).finally(() => {
      this.live.delete(req.id);
      this.pending.delete(p);
    });
    this.pending.add(p);
  }

  /** Cancelled by id, or overtaken by a newer request of its channel. */
  private stopped(state: Running): boolean {
    return state.cancelled || state.id < (this.latest.get(state.channel) ?? -Infinity);
  }

  private ensureBackend(): Promise<BackendInfo> {
    if (!this.backend) {
      this.backend = this.env.initBackend(this.override, this.baseUrl, this.threads);
      this.backend.catch(() => {
        this.backend = null; // a later request tries again
      });
    }
    return this.backend;
  }

  private ensureModel(model: string, requestId: number): Promise<LoadedModel> {
    // One model at a time: the widgets on a page share one, and each holds a few MB of weights.
    return this.loadOnce(
      this.models,
      model,
      () => true,
      () => this.env.loadModel(model, this.baseUrl, (loaded, total, file) => this.env.post({ type: 'load-progress', id: requestId, loaded, total, file })),
    );
  }

  /**
   * The cached load of `key`, started on first use. Once it has loaded, the other entries `rival`
   * selects are dropped and disposed when no run uses them; a failed load is forgotten, so the next
   * request tries again.
   */
  private loadOnce<T extends Disposable>(cache: Map<string, Promise<T>>, key: string, rival: (name: string) => boolean, load: () => Promise<T>): Promise<T> {
    let p = cache.get(key);
    if (!p) {
      p = load();
      cache.set(key, p);
      p.then(
        (loaded) => {
          for (const [name, other] of cache) {
            if (name !== key && rival(name)) {
              cache.delete(name);
              void other.then(
                (m) => m !== loaded && this.evict(m),
                () => undefined,
              );
            }
          }
        },
        () => cache.delete(key),
      );
    }
    return p;
  }

  private async runSample(req: Extract<WorkerRequest, { type: 'sample' }>, state: Running): Promise<void> {
    const { id } = req;
    const cur: { run: SamplingRun | null } = { run: null }; // made in the first turn
    let release: (() => void) | null = null;
    let stage: ErrorKind = 'backend';
    try {
      const info = await this.ensureBackend();
      stage = 'weights';
      const model = await this.ensureModel(req.model, id);
      stage = 'internal';
      release = this.use(model);
      let computeMs = 0;
      /** One step in one turn; false when the run was cancelled or overtaken while it waited. */
      const turn = (work: (r: SamplingRun) => Promise<void>): Promise<boolean> =>
        this.turns.run(async () => {
          if (this.stopped(state)) return false;
          const t0 = this.env.now();
          cur.run ??= new SamplingRun(model.sampler, req);
          await work(cur.run);
          computeMs += this.env.now() - t0;
          return true;
        });
      // The first picture: x_T decoded, at once (no network call), so a change shows within a frame or two.
      let lastGrid = this.env.now();
      let ok = await turn(async (r) => {
        const t0 = this.env.now();
        this.env.post({ type: 'step', id, ...(await r.start(true)), ms: this.env.now() - t0 });
      });
      while (ok && !cur.run?.done) {
        await this.env.yieldToEvents();
        ok = await turn(async (r) => {
          const t0 = this.env.now();
          const withGrid = r.stepsTaken === r.totalSteps - 1 || t0 - lastGrid >= req.previewEveryMs;
          if (withGrid) lastGrid = t0;
          const out = await r.step(withGrid);
          this.env.post({ type: 'step', id, ...out, ms: this.env.now() - t0 });
        });
      }
      if (!ok) {
        this.env.post({ type: 'cancelled', id, atStep: cur.run?.stepsTaken ?? 0 });
        return;
      }
      const run = cur.run!;
      const final = await this.turns.run(() => run.finish());
      // Compute time only: the turns other widgets' runs took meanwhile are not this run's cost.
      this.env.post({
        type: 'done',
        id,
        images: final.images,
        labels: final.labels,
        totalMs: computeMs,
        msPerStep: computeMs / run.totalSteps,
        backend: info.backend,
      });
    } catch (e) {
      this.fail(id, e, stage);
    } finally {
      cur.run?.dispose();
      release?.();
    }
  }

  private ensureTool<T extends LoadedEncoder | LoadedInspector>(
    kind: OnceRequest['type'],
    folder: string,
    requestId: number,
    load: (onProgress: (loaded: number, total: number, file: string) => void) => Promise<T>,
  ): Promise<T> {
    // One of each kind at a time, as for the sampling models.
    return this.loadOnce(
      this.tools as Map<string, Promise<T>>,
      `${kind}:${folder}`,
      (name) => name.startsWith(`${kind}:`),
      () => load((loaded, total, file) => this.env.post({ type: 'load-progress', id: requestId, loaded, total, file })),
    );
  }

  /** 'encode' and 'attention': one computation in one turn; skipped when a newer request of its channel arrived meanwhile. */
  private async runOnce(req: OnceRequest, state: Running): Promise<void> {
    const { id } = req;
    let release: (() => void) | null = null;
    let stage: ErrorKind = 'backend';
    try {
      const info = await this.ensureBackend();
      stage = 'weights';
      const { loadEncoder, loadInspector } = this.env;
      if (req.type === 'encode') {
        if (!loadEncoder) throw new RuntimeError('request', 'this runtime cannot encode pictures');
        const enc = await this.ensureTool('encode', req.vae, id, (onProgress) => loadEncoder(req.vae, this.baseUrl, onProgress));
        stage = 'internal';
        release = this.use(enc);
        const out = await this.timedTurn(state, () => enc.encode(req.pixels, req.count));
        this.env.post(out ? { type: 'encoded', id, ...out, backend: info.backend } : { type: 'cancelled', id, atStep: 0 });
      } else {
        if (!loadInspector) throw new RuntimeError('request', 'this runtime cannot trace attention');
        const insp = await this.ensureTool('attention', req.model, id, (onProgress) => loadInspector(req.model, this.baseUrl, onProgress));
        stage = 'internal';
        release = this.use(insp);
        const out = await this.timedTurn(state, () => insp.attention(req));
        this.env.post(out ? { type: 'attention-maps', id, ...out, backend: info.backend } : { type: 'cancelled', id, atStep: 0 });
      }
    } catch (e) {
      this.fail(id, e, stage);
    } finally {
      release?.();
    }
  }

  /** One computation in one turn, with its milliseconds; null when the request was stopped while it waited. */
  private timedTurn<T extends object>(state: Running, work: () => Promise<T>): Promise<(T & { ms: number }) | null> {
    return this.turns.run(async () => {
      if (this.stopped(state)) return null;
      const t0 = this.env.now();
      return { ...(await work()), ms: this.env.now() - t0 };
    });
  }

  /** Marks a loaded model or tool in use by a run; the returned function ends the use. */
  private use(thing: Disposable): () => void {
    this.uses.set(thing, (this.uses.get(thing) ?? 0) + 1);
    return () => {
      const n = (this.uses.get(thing) ?? 1) - 1;
      if (n > 0) return void this.uses.set(thing, n);
      this.uses.delete(thing);
      if (this.evicted.delete(thing)) thing.dispose();
    };
  }

  /** Disposes a model or tool another one replaced, or, while a run still uses it, when that run ends. */
  private evict(thing: Disposable): void {
    if (this.uses.has(thing)) this.evicted.add(thing);
    else thing.dispose();
  }

  private fail(id: number, e: unknown, fallbackKind: ErrorKind): void {
    const kind = e instanceof RuntimeError ? e.kind : fallbackKind;
    const message = e instanceof Error ? e.message : String(e);
    this.env.post({ type: 'error', id, kind, message });
  }
}
