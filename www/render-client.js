// The page's side of the render worker: one render at a time, each under a time limit.
// A render that runs past it gets its worker terminated and replaced, and fails with
// `deadline_exceeded` — the browser twin of the server's epoch deadline, and the reason
// the module runs in a worker at all (a main-thread render could not be interrupted).

/** A failed render, shaped like docs/spec.md's error object. */
export class RenderFailure extends Error {
  constructor({ kind, message, path }) {
    super(message);
    this.name = "RenderFailure";
    this.kind = kind;
    this.path = path;
  }

  /** Parses the error JSON the module throws; anything else becomes `internal`. */
  static fromJson(text) {
    try {
      const { error } = JSON.parse(text);
      if (error && typeof error.kind === "string") return new RenderFailure(error);
    } catch {
      // not the error JSON: fall through
    }
    return new RenderFailure({ kind: "internal", message: String(text) });
  }
}

/**
 * The server's operator fonts (`plotbox serve --font-dir`), fetched for `addFont`: GET
 * /fonts lists the files in the order the server's module numbers them (which decides
 * the fallback order, so they must be added in that order), and each file is fetched
 * from its `url`, the bytes the server's sandbox maps. A page served without /fonts
 * (a static host, an older server) gets no files and renders with the built-in font.
 *
 * @param {string} origin  the server's origin, e.g. "http://127.0.0.1:8080" ("" for
 *   the page's own)
 * @returns {Promise<{files: {name: string, bytes: ArrayBuffer}[], problems: string[]}>}
 *   `problems` names the listed files that could not be fetched: without them the
 *   page's pictures may differ from the server's.
 */
export async function fetchServerFonts(origin = "") {
  let listing;
  try {
    const response = await fetch(`${origin}/fonts`);
    if (!response.ok) return { files: [], problems: [] };
    listing = await response.json();
  } catch {
    return { files: [], problems: [] }; // no server, or not plotbox's /fonts
  }
  const listed = Array.isArray(listing && listing.files) ? listing.files : [];
  const fetched = await Promise.all(
    listed.map(async ({ name, url }) => {
      try {
        const response = await fetch(new URL(url, origin || location.href));
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return { name: String(name), bytes: await response.arrayBuffer() };
      } catch (e) {
        return { problem: `could not fetch the font ${name} (${url}): ${e && e.message ? e.message : e}` };
      }
    }),
  );
  return {
    files: fetched.filter((f) => f.bytes),
    problems: fetched.filter((f) => f.problem).map((f) => f.problem),
  };
}

/**
 * Hands each font file to the module's `addFont`, in order (the worker does this, and
 * the page when it renders a snapshot's first picture itself, see app.js). A file the
 * module refuses is skipped and reported, so the rest still count.
 * @returns {{families: string[], fontErrors: string[]}}
 */
export function addFonts(addFont, fonts) {
  let families = [];
  const fontErrors = [];
  for (const { name, bytes } of fonts || []) {
    try {
      families = addFont(new Uint8Array(bytes));
    } catch (e) {
      fontErrors.push(`${name}: ${typeof e === "string" ? e : e && e.message ? e.message : e}`);
    }
  }
  return { families, fontErrors };
}

/** Resolved instead of a result when a newer request of the same lane replaced it. */
export const SUPERSEDED = Symbol("superseded");

export class RenderClient {
  /**
   * @param {object} options
   * @param {URL|string} options.workerUrl  the module worker script
   * @param {Promise<WebAssembly.Module|null>} options.module  compiled module to share
   * @param {number} options.timeoutMs  time limit of one render
   * @param {Promise<{name: string, bytes: ArrayBuffer}[]>} [options.fonts]  font files
   *   every worker adds (`addFont`, in this order) before its first render
   */
  constructor({ workerUrl, module, timeoutMs, fonts = Promise.resolve([]) }) {
    this.workerUrl = workerUrl;
    this.module = module;
    this.fonts = fonts;
    this.timeoutMs = timeoutMs;
    this.worker = null;
    this.ready = null;
    this.pending = new Map(); // id -> {resolve, reject, timer}
    this.queue = []; // jobs not yet sent
    this.busy = false;
    this.nextId = 1;
    this.restarts = 0;
    // Renders the workers answered, successes and failures alike (a worker stopped at
    // its deadline answers nothing).
    this.answered = 0;
    this.moduleVersion = null;
    // What the worker's addFont said: the families a spec may name, and the files it
    // refused (each "name: reason").
    this.fontFamilies = [];
    this.fontErrors = [];
    this.spawn();
  }

  spawn() {
    const worker = new Worker(this.workerUrl, { type: "module" });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.addEventListener("message", (event) => {
        const msg = event.data;
        if (msg.type === "ready") {
          this.moduleVersion = msg.version;
          this.fontFamilies = msg.families;
          this.fontErrors = msg.fontErrors;
          resolve();
        } else if (msg.type === "init-failed") {
          reject(new RenderFailure({ kind: "internal", message: `could not load the renderer module: ${msg.message}` }));
        } else {
          this.settle(msg);
        }
      });
      worker.addEventListener("error", (event) => {
        const failure = new RenderFailure({
          kind: "internal",
          message: `the render worker failed: ${event.message || "could not load worker.js or the module"}`,
        });
        reject(failure);
        this.failAll(failure);
      });
    });
    // Unobserved until the first render; keep the rejection from being reported as
    // unhandled in the meantime.
    this.ready.catch(() => {});
    // The fonts are copied to every worker (a replacement needs them too), not
    // transferred.
    Promise.all([this.module.catch(() => null), this.fonts.catch(() => [])]).then(([module, fonts]) => {
      if (this.worker === worker) worker.postMessage({ type: "init", module, fonts });
    });
  }

  /** Stops the worker (whatever it is doing) and starts a fresh one. */
  restart() {
    this.worker.terminate();
    this.restarts++;
    this.spawn();
  }

  /**
   * Renders `spec` (JSON text) as {svg}, {png} or {pdf} (`format` "svg", "png" or
   * "pdf"), each with `warnings`: the module's warnings about the picture (a
   * character no font has, drawn as a box), the strings the server sends in
   * `X-Plotbox-Warnings`; empty when there are none. `lane` names a stream of requests where only the newest matters (the live
   * preview): a queued request of the same lane resolves to SUPERSEDED when a newer one
   * arrives. `limitMs` replaces the client's time limit for this render. Rejects with
   * RenderFailure.
   */
  render(spec, { format = "svg", scale = 1, lane = null, limitMs } = {}) {
    return new Promise((resolve, reject) => {
      if (lane !== null) {
        this.queue = this.queue.filter((job) => {
          if (job.lane !== lane) return true;
          job.resolve(SUPERSEDED);
          return false;
        });
      }
      this.queue.push({ spec, format, scale, lane, limitMs, resolve, reject });
      this.pump();
    });
  }

  async pump() {
    if (this.busy) return;
    const job = this.queue.shift();
    if (!job) return;
    this.busy = true;
    try {
      job.resolve(await this.run(job));
    } catch (failure) {
      job.reject(failure);
    } finally {
      this.busy = false;
      this.pump();
    }
  }

  async run(job) {
    try {
      await this.ready;
    } catch {
      // A worker that could not start gets one fresh attempt per render; a second
      // failure rejects this render with the reason.
      this.restart();
      await this.ready;
    }
    const id = this.nextId++;
    const limitMs = job.limitMs === undefined ? this.timeoutMs : job.limitMs;
    return new Promise((resolve, reject) => {
      // The clock starts when the render is handed over, not while the module loads.
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.restart();
        reject(this.deadlineFailure(limitMs));
      }, limitMs);
      this.pending.set(id, { resolve, reject, timer, limitMs });
      this.worker.postMessage({ type: "render", id, spec: job.spec, format: job.format, scale: job.scale });
    });
  }

  deadlineFailure(limitMs) {
    return new RenderFailure({
      kind: "deadline_exceeded",
      message: `the render ran past its ${limitMs} ms limit and was stopped`,
    });
  }

  settle(msg) {
    const waiter = this.pending.get(msg.id);
    if (!waiter) return; // its deadline already passed
    this.pending.delete(msg.id);
    clearTimeout(waiter.timer);
    this.answered++;
    // A busy page thread can take the answer after the limit has passed without the
    // timer having had its turn; the worker's own clock decides, so a render that
    // overran always fails the same way (the worker finished, so it is kept).
    if (msg.ms > waiter.limitMs) {
      if (msg.fatal) this.restart();
      waiter.reject(this.deadlineFailure(waiter.limitMs));
      return;
    }
    if (msg.type === "done") {
      const warnings = msg.warnings ?? [];
      if (msg.png !== undefined) waiter.resolve({ png: msg.png, warnings });
      else if (msg.pdf !== undefined) waiter.resolve({ pdf: msg.pdf, warnings });
      else waiter.resolve({ svg: msg.svg, warnings });
    } else {
      if (msg.fatal) this.restart();
      waiter.reject(RenderFailure.fromJson(msg.error));
    }
  }

  failAll(failure) {
    for (const [id, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      this.pending.delete(id);
      waiter.reject(failure);
    }
  }
}
