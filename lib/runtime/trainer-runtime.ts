/**
 * The trainer worker's message handling, as a plain module: trainer.worker.ts feeds it what it
 * receives, and the unit tests feed it messages directly on Node's wasm backend.
 *
 * State: the backend; the encoded training digits (kept across resets, so a second model starts at
 * once); the VAE (encoder for the digits, decoder for the samples); at most one TrainSession; and
 * whether the step loop runs. The loop takes one training step, posts its numbers (batched to a few
 * messages a second), draws the sample grid every `sampleEvery` steps, and yields to the event loop
 * between steps, so a 'pause' or 'reset' is handled right after the step that is running: a step of
 * the small presets takes a fraction of a second, which is how long a pause can take.
 */
import type { tf } from '../tf';
import type { BackendName } from '../backend/plan';
import type { BackendInfo } from '../worker/protocol';
import type { LatentDataset } from '../train/dit-task';
import type { DigitSet } from '../data/mnist';
import { decodeLatents } from '../vae/latents';
import { encodeDigitSet, classCounts } from '../train/latent-data';
import { DEFAULT_TRAINER_SETTINGS, needsReset, stepsPerSecond, type TrainerSettings } from '../train/browser-recipe';
import { TrainSession } from '../train/session';
import type { LoadedTrainerVae } from '../load/trainer-loaders';
import {
  trainerRequestProblems,
  type DataInfo,
  type StepRecord,
  type TrainerErrorKind,
  type TrainerPhase,
  type TrainerRequest,
  type TrainerResponse,
} from '../worker/trainer-protocol';

export interface TrainerEnv {
  initBackend(override: BackendName | null, baseUrl: string, threads?: number | null): Promise<BackendInfo>;
  loadDigits(baseUrl: string, onProgress: (loaded: number, total: number) => void): Promise<{ set: DigitSet; bytes: number }>;
  loadVae(baseUrl: string): Promise<LoadedTrainerVae>;
  post(msg: TrainerResponse): void;
  /** Lets pending message events run (a MessageChannel round trip in the worker). */
  yieldToEvents(): Promise<void>;
  now(): number;
  memory(): { numTensors: number; numBytes: number; backend: string };
}

/** Minimum milliseconds between two 'steps' messages (each carries every step since the last). */
const FLUSH_MS = 150;

function errorKind(e: unknown): TrainerErrorKind {
  const k = (e as { kind?: unknown })?.kind;
  return k === 'data' || k === 'weights' || k === 'backend' || k === 'request' ? k : 'internal';
}

export class TrainerRuntime {
  private backend: Promise<BackendInfo> | null = null;
  private baseUrl = '/';
  private settings: TrainerSettings = { ...DEFAULT_TRAINER_SETTINGS };
  private vae: LoadedTrainerVae | null = null;
  private data: { latents: LatentDataset; info: DataInfo } | null = null;
  private dataLoading: Promise<void> | null = null;
  private session: TrainSession | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private phase: TrainerPhase = 'idle';
  /** Bumped by pause and reset: a 'train' still loading data does not start when it changed. */
  private generation = 0;
  private sampleDue = false;
  private cancelSample = false;
  private pending: StepRecord[] = [];
  private lastFlush = 0;
  private durations: number[] = [];
  private lastId = 0;

  constructor(private readonly env: TrainerEnv) {}

  get currentPhase(): TrainerPhase {
    return this.phase;
  }

  get step(): number {
    return this.session?.step ?? 0;
  }

  private setPhase(phase: TrainerPhase, id = this.lastId): void {
    this.phase = phase;
    this.env.post({ type: 'phase', id, phase, step: this.step });
  }

  private error(id: number, e: unknown): void {
    this.env.post({ type: 'error', id, kind: errorKind(e), message: e instanceof Error ? e.message : String(e) });
  }

  async handle(msg: TrainerRequest): Promise<void> {
    const id = Number.isInteger((msg as { id?: unknown })?.id) ? msg.id : -1;
    const problems = trainerRequestProblems(msg);
    if (problems.length) {
      this.env.post({ type: 'error', id, kind: 'request', message: problems.join('; ') });
      return;
    }
    this.lastId = id;
    try {
      switch (msg.type) {
        case 'init': {
          this.baseUrl = msg.baseUrl;
          this.backend ??= this.env.initBackend(msg.backend, msg.baseUrl, msg.threads);
          const info = await this.backend.catch((e: unknown) => {
            this.backend = null;
            throw Object.assign(e instanceof Error ? e : new Error(String(e)), { kind: 'backend' });
          });
          this.env.post({ type: 'ready', id, ...info });
          return;
        }
        case 'train':
          return await this.train(id, msg.settings);
        case 'pause':
          return await this.pause(id);
        case 'reset':
          return await this.reset(id);
        case 'settings':
          this.applySettings(msg.settings);
          return;
        case 'sample':
          if (this.running) this.sampleDue = true;
          else if (this.session) await this.sampleRound(id);
          return;
        case 'stats': {
          const m = this.env.memory();
          this.env.post({ type: 'stats', id, ...m, step: this.step, phase: this.phase });
          return;
        }
      }
    } catch (e) {
      this.error(id, e);
    }
  }

  /** Non-structural settings apply at once; structural ones wait for the next model. */
  private applySettings(s: TrainerSettings): void {
    this.settings = { ...s };
    if (this.session) this.session.lrPeak = s.lr;
  }

  private async ensureData(id: number): Promise<void> {
    if (this.data) return;
    this.dataLoading ??= (async () => {
      try {
        if (!this.backend) throw Object.assign(new Error('the trainer was asked to train before init'), { kind: 'internal' });
        await this.backend;
        this.setPhase('loading-data', id);
        const digits = await this.env.loadDigits(this.baseUrl, (done, total) => this.env.post({ type: 'data-progress', id, stage: 'download', done, total }));
        this.vae ??= await this.env.loadVae(this.baseUrl);
        this.setPhase('encoding', id);
        const t0 = this.env.now();
        const vae = this.vae;
        const latents = await encodeDigitSet(vae.vae, digits.set, vae.scaleFactor, {
          batch: 100,
          onProgress: (done, total) => this.env.post({ type: 'data-progress', id, stage: 'encode', done, total }),
          between: () => this.env.yieldToEvents(),
        });
        const info: DataInfo = {
          digits: latents.count,
          perClass: classCounts(latents.labels),
          bytes: digits.bytes,
          encodeMs: this.env.now() - t0,
          scaleFactor: vae.scaleFactor,
        };
        this.data = { latents, info };
        this.env.post({ type: 'data-ready', id, numTensors: this.env.memory().numTensors, ...info });
      } finally {
        this.dataLoading = null;
      }
    })();
    await this.dataLoading;
  }

  private async train(id: number, s: TrainerSettings): Promise<void> {
    if (this.running) {
      this.applySettings(s);
      return;
    }
    const gen = ++this.generation;
    try {
      await this.ensureData(id);
    } catch (e) {
      this.setPhase(this.session ? 'paused' : 'idle', id);
      throw e;
    }
    // A pause or reset arrived while the data loaded: stay put.
    if (gen !== this.generation || this.running) {
      if (!this.running) this.setPhase(this.session ? 'paused' : 'idle', id);
      return;
    }
    if (this.session && needsReset(this.session.settings, s)) {
      this.disposeSession();
    }
    this.applySettings(s);
    if (!this.session) {
      this.setPhase('building', id);
      const vae = this.vae;
      const data = this.data;
      if (!vae || !data) throw new Error('no data');
      this.session = new TrainSession(s, data.latents, (z) => decodeLatents(vae.vae, z, vae.scaleFactor) as tf.Tensor4D);
      this.env.post({ type: 'model', id, preset: s.preset, parameters: this.session.parameters, tokens: this.session.tokens });
      this.sampleDue = false;
    }
    this.running = true;
    this.setPhase('training', id);
    this.loop = this.runLoop(id);
  }

  private flush(id: number): void {
    if (this.pending.length === 0) return;
    this.env.post({ type: 'steps', id, records: this.pending, stepsPerSec: stepsPerSecond(this.durations) });
    this.pending = [];
    this.lastFlush = this.env.now();
  }

  private async runLoop(id: number): Promise<void> {
    try {
      while (this.running && this.session) {
        if (this.sampleDue) {
          this.flush(id);
          await this.sampleRound(id);
          if (!this.running || !this.session) break;
        }
        const session = this.session;
        const t0 = this.env.now();
        let log;
        try {
          log = session.trainStep();
        } catch (e) {
          this.running = false;
          this.flush(id);
          const msg = (e as Error).message ?? String(e);
          this.setPhase('paused', id);
          throw new Error(
            /loss is/.test(msg) ? `${msg}: training diverged. The learning rate is probably too high for this model; press Reset and try a smaller one.` : msg,
          );
        }
        const ms = this.env.now() - t0;
        this.durations.push(ms);
        if (this.durations.length > 100) this.durations.splice(0, this.durations.length - 100);
        this.pending.push({ step: log.step, loss: log.loss, mse: log.mse ?? NaN, vb: log.vb ?? 0, lr: log.lr, ms });
        if (log.step % this.settings.sampleEvery === 0) this.sampleDue = true;
        if (this.env.now() - this.lastFlush >= FLUSH_MS) this.flush(id);
        await this.env.yieldToEvents();
      }
    } catch (e) {
      this.error(id, e);
    } finally {
      this.flush(id);
      this.running = false;
      this.loop = null;
    }
  }

  /** Draws the grid from the current weights and posts it; abandoned (and due again) if paused meanwhile. */
  private async sampleRound(id: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.sampleDue = false;
    this.cancelSample = false;
    const t0 = this.env.now();
    const s = this.settings;
    const out = await session.sampleGrid({
      weights: s.sampleWeights,
      guidanceScale: s.guidanceScale,
      steps: s.sampleSteps,
      between: () => this.env.yieldToEvents(),
      cancelled: () => this.cancelSample || this.session !== session,
    });
    if (!out) {
      if (this.session === session) this.sampleDue = true;
      return;
    }
    this.env.post({
      type: 'samples',
      id,
      step: session.step,
      images: out.images,
      labels: out.labels,
      weights: s.sampleWeights,
      guidanceScale: s.guidanceScale,
      sampleSteps: s.sampleSteps,
      ms: this.env.now() - t0,
    });
  }

  /** Stops the loop after the running step (or sampling step) and waits for it. */
  private async stopLoop(): Promise<void> {
    this.generation++;
    this.running = false;
    this.cancelSample = true;
    if (this.loop) await this.loop;
  }

  private async pause(id: number): Promise<void> {
    await this.stopLoop();
    if (this.session) this.setPhase('paused', id);
    else if (!this.dataLoading) this.setPhase('idle', id);
    this.env.post({ type: 'paused', id, step: this.step, numTensors: this.env.memory().numTensors });
  }

  private disposeSession(): void {
    this.session?.dispose();
    this.session = null;
    this.sampleDue = false;
    this.pending = [];
    this.durations = [];
  }

  private async reset(id: number): Promise<void> {
    await this.stopLoop();
    this.disposeSession();
    if (!this.dataLoading) this.setPhase('idle', id);
    this.env.post({ type: 'reset-done', id, numTensors: this.env.memory().numTensors });
  }

  /** Frees everything (tests). */
  async dispose(): Promise<void> {
    await this.stopLoop();
    this.disposeSession();
    this.vae?.vae.dispose();
    this.vae = null;
    this.data = null;
  }
}
