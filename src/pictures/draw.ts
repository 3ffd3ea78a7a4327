/**
 * Draws a card's picture: ECharts builds it as SVG on the server (no DOM, no canvas), then resvg
 * (WebAssembly, on a worker thread: raster-worker.mjs) turns the SVG into PNG with the bundled fonts.
 * This module is heavy (ECharts, the worker, fonts), so nothing imports it statically:
 * src/pictures/index.ts loads it on the first picture.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { CardImage, Lang } from '../core/types.js';
import { barOption, FONT_FAMILY, mapOption, type ChinaMap } from './options.js';

/**
 * ECharts' one-file CommonJS bundle: its ES modules are hundreds of files, each through the module
 * loader (and tsx's hooks), several times slower to load for the first picture.
 */
const echarts = createRequire(import.meta.url)('echarts') as typeof import('echarts');

const DATA = new URL('../../data/', import.meta.url);

/** ECharts 4.9's `china` map (Apache-2.0, data/map/LICENSE). The name `china` adds the South China Sea inset. */
export const chinaMap: ChinaMap = JSON.parse(readFileSync(new URL('map/china.json', DATA), 'utf8'));
echarts.registerMap('china', chinaMap as Parameters<typeof echarts.registerMap>[1]);

/** Noto Sans SC subset to the characters pictures draw (test/tools/font-subset.ts; OFL, data/fonts/OFL.txt). */
export const FONT_FILES = ['NotoSansSC-Regular.subset.ttf', 'NotoSansSC-Bold.subset.ttf'].map((f) => new URL(`fonts/${f}`, DATA).pathname);

/** Logical size; the PNG is drawn at 2× so it stays sharp on high-density screens. */
export const SIZES = { map: { width: 900, height: 760 }, 'tier-bars': { width: 900, height: 520 } } as const;
export const ZOOM = 2;

export function drawSvg(image: CardImage, lang: Lang): string {
  const { width, height } = SIZES[image.picture.kind];
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(image.picture.kind === 'map' ? mapOption(image, lang, chinaMap, height) : barOption(image, lang));
    return chart.renderToSVGString();
  } finally {
    // Without dispose the chart keeps timers and the process never exits.
    chart.dispose();
  }
}

const RESVG_OPTIONS = {
  fitTo: { mode: 'zoom', value: ZOOM },
  background: '#ffffff',
  // Only the bundled fonts (the worker loads FONT_FILES): the same pixels on every machine, and no
  // boxes where no CJK font is installed.
  font: { loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
} as const;

/** A rasterisation that takes longer than this has gone wrong (a cold one takes a few seconds at most). */
const RASTER_TIMEOUT_MS = 60_000;

/**
 * An idle rasteriser thread is stopped after this long. Its WebAssembly memory (~25 MB: one 1800×1520
 * pixmap and resvg's working set) can only grow while the thread lives, and the thread's heap adds
 * more; stopping it gives all of that back. The next picture starts a new thread (about half a
 * second, and its first drawings are slower while V8 optimises resvg's code again).
 */
export const RASTERISER_IDLE_MS = 120_000;

/**
 * A ceiling on the thread's JavaScript heap (it uses ~7 MB: one SVG string and one PNG at a time).
 * Past it the thread dies, that picture fails, and the next one starts a new thread.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64 };

type Reply = { id: number; png?: Uint8Array; error?: string };
type Job = { worker: Worker; resolve: (png: Buffer) => void; reject: (err: Error) => void; timer: NodeJS.Timeout };

/**
 * The rasteriser thread (raster-worker.mjs), started with the first picture and stopped when idle;
 * it never keeps the process alive.
 */
class Rasteriser {
  private worker?: Worker;
  private seq = 0;
  private idle?: NodeJS.Timeout;
  private idleMs = RASTERISER_IDLE_MS;
  private readonly pending = new Map<number, Job>();

  png(svg: string, idleMs: number): Promise<Buffer> {
    clearTimeout(this.idle);
    this.idleMs = idleMs;
    const worker = this.start();
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, new Error(`rasterising took over ${RASTER_TIMEOUT_MS} ms`)), RASTER_TIMEOUT_MS);
      this.pending.set(id, { worker, resolve, reject, timer });
      worker.postMessage({ id, svg, options: RESVG_OPTIONS });
    });
  }

  /** The running thread's id, or undefined when none runs (tests, the bench). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./raster-worker.mjs', import.meta.url), { workerData: { fontFiles: FONT_FILES }, execArgv: [], resourceLimits: WORKER_LIMITS });
    worker.unref();
    worker.on('message', (m: Reply | { ready: true }) => {
      if ('id' in m) this.settle(m.id, m.png ? Buffer.from(m.png.buffer, m.png.byteOffset, m.png.byteLength) : new Error(m.error ?? 'rasteriser failed'));
    });
    // A dead thread fails what it had (and only that: a stopped idle thread may die while its
    // successor already works); the next picture starts a new one.
    const died = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, job] of this.pending) if (job.worker === worker) this.settle(id, err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`rasteriser exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Ends the thread (idle, or a process under tsx's loader may otherwise not exit); the next picture starts another. */
  async stop(): Promise<void> {
    clearTimeout(this.idle);
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private settle(id: number, result: Buffer | Error): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    clearTimeout(job.timer);
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
    if (this.pending.size > 0 || !this.worker) return;
    clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.stop(), this.idleMs).unref();
  }
}

const rasteriser = new Rasteriser();

export const stopRasteriser = (): Promise<void> => rasteriser.stop();

/** The rasteriser thread's id while one runs, else undefined: shows when it was stopped and restarted. */
export const rasteriserThread = (): number | undefined => rasteriser.threadId;

/** Rasterises on its own thread, so the event loop (acks, other chats) keeps going meanwhile. */
export function svgToPng(svg: string, idleMs = RASTERISER_IDLE_MS): Promise<Buffer> {
  return rasteriser.png(svg, idleMs);
}

export async function drawPng(image: CardImage, lang: Lang, idleMs = RASTERISER_IDLE_MS): Promise<Buffer> {
  return svgToPng(drawSvg(image, lang), idleMs);
}
