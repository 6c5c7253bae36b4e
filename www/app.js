// The playground page: a JSON spec editor whose preview is rendered in this browser by
// the same renderer module the server runs, in a worker under a time limit (never on
// this thread, so no spec, however crafted, can freeze the page; the one exception is
// headless Chromium, whose snapshots stall workers, see firstRenderHere), with the
// server's PNG beside it on request. Only the server's public routes are used:
// /pkg/* (the module), /fonts and /fonts/files/* (the operator's fonts, which every
// render here gets too), /examples.json, /render, /healthz, /schema.json.

import { RenderClient, RenderFailure, SUPERSEDED, addFonts, fetchServerFonts } from "./render-client.js";
import { JsonSyntaxError, compactJson, formatJson, parseWithPositions, pointerRange } from "./jsonpos.js";
import { specFromUrl, urlWithSpec } from "./share.js";

// The module the worker runs; hashed here so the page can show which bytes it runs.
const MODULE_URL = "/pkg/renderer_wasm_bg.wasm";
// Its wasm-bindgen glue, which the worker imports too.
const GLUE_URL = "/pkg/renderer_wasm.js";
const PREVIEW_DEBOUNCE_MS = 150;
const DEFAULT_TIMEOUT_MS = 2000;
// Browsers cap URL length (Chromium at 2 MB); past this the share link is left alone.
const MAX_SHARE_LINK_CHARS = 1_500_000;
const FALLBACK_SPEC = JSON.stringify({
  title: "plotbox",
  series: [{ type: "line", x: [0, 1, 2, 3, 4], y: [1, 3, 2, 4, 3], label: "y", marker: "o" }],
});

const $ = (id) => document.getElementById(id);
const ui = {
  editor: $("editor"),
  highlight: $("editor-highlight"),
  error: $("error"),
  errorKind: $("error-kind"),
  errorMessage: $("error-message"),
  errorPath: $("error-path"),
  plot: $("plot"),
  warnings: $("warnings"),
  fonts: $("fonts"),
  browserStatus: $("browser-status"),
  examples: $("examples"),
  serverToggle: $("server-toggle"),
  serverFigure: $("server-figure"),
  serverPng: $("server-png"),
  serverError: $("server-error"),
  serverStatus: $("server-status"),
  downloadSvg: $("download-svg"),
  downloadPng: $("download-png"),
  downloadPdf: $("download-pdf"),
  pngScale: $("png-scale"),
  moduleHash: $("module-hash"),
  moduleVersion: $("module-version"),
  timeLimit: $("time-limit"),
};

/** `?timeout_ms=N` overrides the per-render time limit (the tests use a tiny one). */
function timeLimitFromUrl() {
  const raw = new URL(location.href).searchParams.get("timeout_ms");
  const ms = Number(raw);
  return raw !== null && Number.isInteger(ms) && ms > 0 ? ms : DEFAULT_TIMEOUT_MS;
}

const moduleBytes = fetch(MODULE_URL).then((response) => {
  if (!response.ok) throw new Error(`${MODULE_URL}: HTTP ${response.status}`);
  return response.arrayBuffer();
});
// The server's --font-dir files, so that the pictures here are the server's; none when
// the page is served without /fonts.
const serverFonts = fetchServerFonts();
const timeoutMs = timeLimitFromUrl();
const client = new RenderClient({
  workerUrl: new URL("./worker.js", import.meta.url),
  module: moduleBytes.then((bytes) => WebAssembly.compile(bytes)),
  timeoutMs,
  fonts: serverFonts.then(({ files }) => files),
});

/**
 * Whether the first picture of this page load is drawn on this thread: only in headless
 * Chromium (its user agent says "HeadlessChrome"). Its snapshots (`chromium --dump-dom
 * --virtual-time-budget`) run the page's clock forward while a dedicated worker's
 * JavaScript barely runs, so a worker's answer never arrives before the snapshot is
 * taken. Deciding by a worker's answer time instead (a fixed probe spec under a limit)
 * was tried and raced: sometimes the probe answered and the real render still did not.
 * A visitor's browser does not call itself HeadlessChrome, and nothing in a link
 * changes the user agent, so no link can put its spec on a visitor's page thread.
 */
const firstRenderHere = Promise.resolve(navigator.userAgent.includes("HeadlessChrome"));

const state = {
  previewGen: 0,
  renders: 0,
  // Renders of this page load that ran on this thread (see firstRenderHere).
  pageRenders: 0,
  lastSvg: null,
  lastWarnings: [],
  debounce: null,
  serverAbort: null,
  serverUrl: null,
};

// For tests and the console: what the page last received from the module, unchanged.
window.plotbox = {
  client,
  get lastSvg() {
    return state.lastSvg;
  },
  /** The module's warnings about the last previewed picture (X-Plotbox-Warnings's). */
  get lastWarnings() {
    return state.lastWarnings;
  },
  /** Renders of this page load that ran on the page's thread: 0 except in headless Chromium (see firstRenderHere). */
  get pageRenders() {
    return state.pageRenders;
  },
};

// ---- the editor and its error highlight -------------------------------------------

function setEditorText(text) {
  let shown = text;
  try {
    shown = formatJson(text);
  } catch {
    // not JSON: show it as it came, the render will say what is wrong
  }
  ui.editor.value = shown;
  clearHighlight();
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clearHighlight() {
  ui.highlight.textContent = "";
}

/** Where in `text` the error is: the JSON syntax fault, else the field at `path`. */
function locateError(text, path) {
  let root;
  try {
    root = parseWithPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { start: e.offset, end: Math.min(e.offset + 1, text.length), exact: true };
  }
  // The whole document at fault: lighting up every character would say nothing.
  if (typeof path !== "string" || path === "") return null;
  return pointerRange(root, path);
}

function showHighlight(text, range) {
  const { start, end } = range;
  // An empty range (the text ends early) still gets a visible mark.
  const marked = end > start ? escapeHtml(text.slice(start, end)) : " ";
  ui.highlight.innerHTML =
    escapeHtml(text.slice(0, start)) + "<mark>" + marked + "</mark>" + escapeHtml(text.slice(end)) + "\n ";
  syncHighlightScroll();
}

function syncHighlightScroll() {
  ui.highlight.scrollTop = ui.editor.scrollTop;
  ui.highlight.scrollLeft = ui.editor.scrollLeft;
}

/** Selects the range in the editor and scrolls it into view. */
function selectRange(range, { focus }) {
  if (focus) ui.editor.focus();
  ui.editor.setSelectionRange(range.start, range.end);
  const lineHeight = parseFloat(getComputedStyle(ui.editor).lineHeight) || 19;
  const line = ui.editor.value.slice(0, range.start).split("\n").length - 1;
  ui.editor.scrollTop = Math.max(0, line * lineHeight - ui.editor.clientHeight / 3);
  syncHighlightScroll();
}

let errorRange = null;

function showError(failure, text) {
  ui.error.hidden = false;
  ui.error.dataset.kind = failure.kind;
  ui.errorKind.textContent = failure.kind;
  ui.errorMessage.textContent = failure.message;
  if (typeof failure.path === "string") {
    ui.error.dataset.path = failure.path;
    ui.errorPath.textContent = failure.path === "" ? "(whole spec)" : failure.path;
  } else {
    delete ui.error.dataset.path;
    ui.errorPath.textContent = "";
  }
  errorRange = failure.kind === "deadline_exceeded" ? null : locateError(text, failure.path);
  if (errorRange) {
    showHighlight(text, errorRange);
    ui.error.dataset.highlight = text.slice(errorRange.start, errorRange.end);
    // Jump to the fault unless the user is typing there.
    if (document.activeElement !== ui.editor) selectRange(errorRange, { focus: false });
  } else {
    clearHighlight();
    delete ui.error.dataset.highlight;
  }
}

function clearError() {
  ui.error.hidden = true;
  errorRange = null;
  for (const key of ["kind", "path", "highlight"]) delete ui.error.dataset[key];
  clearHighlight();
}

ui.errorPath.addEventListener("click", () => {
  if (errorRange) selectRange(errorRange, { focus: true });
});

// ---- rendering -----------------------------------------------------------------------

/** Keeps `#spec=` in the address bar equal to the editor, so the link reproduces it. */
function updateShareLink(text) {
  let compact;
  try {
    compact = compactJson(text);
  } catch {
    return; // not JSON yet: keep the last good link
  }
  const href = urlWithSpec(location.href, compact);
  if (href.length > MAX_SHARE_LINK_CHARS || href === location.href) return;
  try {
    history.replaceState(null, "", href);
  } catch {
    // some browsers refuse long URLs; the link is a convenience
  }
}

/**
 * The page's state, for tests and for pages that embed or snapshot the playground:
 * `<body data-state>` is `loading` until the first render starts, then `rendering`
 * while one runs and `ready` or `error` when it has finished (`#error` says which error);
 * `<body data-renders>` counts finished renders. `#plot` carries the same as
 * `data-state` `rendering` | `ok` | `error` and `data-render`.
 */
function setPageState(name) {
  document.body.dataset.state = name;
  ui.plot.dataset.state = name === "ready" ? "ok" : name;
}

/**
 * `renderedBy`: "worker", "page" for a snapshot's first picture (see firstRenderHere), or
 * null when nothing was rendered (a link that could not be read).
 */
function finishPreview(ok, renderedBy = null) {
  state.renders++;
  if (renderedBy === null) delete document.body.dataset.renderedBy;
  else document.body.dataset.renderedBy = renderedBy;
  ui.plot.dataset.render = String(state.renders);
  document.body.dataset.renders = String(state.renders);
  setPageState(ok ? "ready" : "error");
}

/** A snapshot's first picture, on this thread (only in headless Chromium, see firstRenderHere). */
async function renderHere(text) {
  const glue = await import(GLUE_URL);
  const { files } = await serverFonts;
  glue.initSync({ module: await client.module });
  // The same fonts as the worker's, in the same order, or the first picture would
  // differ from every later one.
  addFonts(glue.addFont, files);
  state.pageRenders++;
  try {
    return { svg: glue.renderSvg(text), warnings: glue.renderWarnings() };
  } catch (e) {
    throw typeof e === "string"
      ? RenderFailure.fromJson(e)
      : new RenderFailure({ kind: "internal", message: `the renderer module trapped: ${e && e.message ? e.message : e}` });
  }
}

async function preview({ first = false } = {}) {
  clearTimeout(state.debounce);
  const text = ui.editor.value;
  const gen = ++state.previewGen;
  updateShareLink(text);
  if (ui.serverToggle.checked) renderOnServer(text);
  setPageState("rendering");
  const started = performance.now();
  let result;
  let here = false;
  try {
    here = first && (await firstRenderHere);
    result = here ? await renderHere(text) : await client.render(text, { format: "svg", lane: "preview" });
  } catch (thrown) {
    if (gen !== state.previewGen) return;
    // A module that could not even be fetched or compiled still gets a typed error.
    const failure =
      thrown instanceof RenderFailure
        ? thrown
        : new RenderFailure({ kind: "internal", message: String(thrown && thrown.message ? thrown.message : thrown) });
    showError(failure, text);
    ui.browserStatus.textContent = failure.kind;
    finishPreview(false, here ? "page" : "worker");
    return;
  }
  if (result === SUPERSEDED || gen !== state.previewGen) return;
  // Inserted exactly as the module produced it: this is the SVG the server sends.
  ui.plot.innerHTML = result.svg;
  state.lastSvg = result.svg;
  showWarnings(result.warnings ?? []);
  ui.downloadSvg.disabled = false;
  ui.browserStatus.textContent = `${Math.round(performance.now() - started)} ms`;
  clearError();
  finishPreview(true, here ? "page" : "worker");
}

/** The module's warnings under the picture (a character no font has, drawn as a box). */
function showWarnings(warnings) {
  state.lastWarnings = warnings;
  ui.warnings.replaceChildren(
    ...warnings.map((warning) => {
      const item = document.createElement("li");
      item.textContent = warning;
      return item;
    }),
  );
  ui.warnings.hidden = warnings.length === 0;
  ui.plot.dataset.warnings = String(warnings.length);
}

function schedulePreview() {
  clearTimeout(state.debounce);
  state.debounce = setTimeout(preview, PREVIEW_DEBOUNCE_MS);
}

ui.editor.addEventListener("input", () => {
  // Offsets of the old highlight mean nothing in the edited text.
  clearHighlight();
  schedulePreview();
});
ui.editor.addEventListener("scroll", syncHighlightScroll);

// ---- the server's picture --------------------------------------------------------------

async function errorFromResponse(response) {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text);
    if (error && error.kind) return error;
  } catch {
    // not the error JSON
  }
  return { kind: `HTTP ${response.status}`, message: text.slice(0, 500) };
}

async function renderOnServer(text) {
  state.serverAbort?.abort();
  const abort = new AbortController();
  state.serverAbort = abort;
  const scale = Number(ui.pngScale.value);
  ui.serverFigure.dataset.state = "rendering";
  const started = performance.now();
  try {
    const response = await fetch(`/render?format=png&scale=${scale}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
      signal: abort.signal,
    });
    if (!response.ok) {
      const error = await errorFromResponse(response);
      ui.serverError.textContent = `${error.kind}: ${error.message}${error.path !== undefined ? `\nat ${error.path}` : ""}`;
      ui.serverError.hidden = false;
      ui.serverPng.hidden = true;
      ui.serverStatus.textContent = error.kind;
      ui.serverFigure.dataset.state = "error";
      return;
    }
    const blob = await response.blob();
    if (state.serverUrl) URL.revokeObjectURL(state.serverUrl);
    state.serverUrl = URL.createObjectURL(blob);
    // Shown at CSS size, like the SVG beside it, however many device pixels it has.
    ui.serverPng.onload = () => {
      ui.serverPng.style.width = `${ui.serverPng.naturalWidth / scale}px`;
    };
    ui.serverPng.src = state.serverUrl;
    ui.serverPng.hidden = false;
    ui.serverError.hidden = true;
    ui.serverStatus.textContent = `${Math.round(performance.now() - started)} ms`;
    ui.serverFigure.dataset.state = "ok";
  } catch (e) {
    if (abort.signal.aborted) return;
    ui.serverError.textContent = `could not reach the server: ${e.message}`;
    ui.serverError.hidden = false;
    ui.serverPng.hidden = true;
    ui.serverFigure.dataset.state = "error";
  }
}

ui.serverToggle.addEventListener("change", () => {
  ui.serverFigure.hidden = !ui.serverToggle.checked;
  if (ui.serverToggle.checked) renderOnServer(ui.editor.value);
  else state.serverAbort?.abort();
});
ui.pngScale.addEventListener("change", () => {
  if (ui.serverToggle.checked) renderOnServer(ui.editor.value);
});

// ---- downloads -----------------------------------------------------------------------

function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

ui.downloadSvg.addEventListener("click", () => {
  if (state.lastSvg !== null) download(new Blob([state.lastSvg], { type: "image/svg+xml" }), "plot.svg");
});

ui.downloadPng.addEventListener("click", async () => {
  const text = ui.editor.value;
  try {
    const { png } = await client.render(text, { format: "png", scale: Number(ui.pngScale.value) });
    download(new Blob([png], { type: "image/png" }), "plot.png");
  } catch (failure) {
    showError(failure, text);
  }
});

ui.downloadPdf.addEventListener("click", async () => {
  const text = ui.editor.value;
  try {
    const { pdf } = await client.render(text, { format: "pdf" });
    download(new Blob([pdf], { type: "application/pdf" }), "plot.pdf");
  } catch (failure) {
    showError(failure, text);
  }
});

// ---- examples ------------------------------------------------------------------------

async function loadExamples() {
  const response = await fetch("/examples.json");
  if (!response.ok) throw new Error(`/examples.json: HTTP ${response.status}`);
  const examples = await response.json();
  if (!Array.isArray(examples)) throw new Error("/examples.json is not an array");
  ui.examples.replaceChildren(new Option("choose…", "", true, true));
  ui.examples.options[0].disabled = true;
  examples.forEach((example, i) => ui.examples.add(new Option(String(example.name), String(i))));
  ui.examples.onchange = () => {
    const example = examples[Number(ui.examples.value)];
    if (!example) return;
    setEditorText(JSON.stringify(example.spec));
    preview();
  };
  return examples;
}

// ---- module identity -----------------------------------------------------------------

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every SHA-256-looking string in /healthz's body and headers. */
async function serverModuleHashes() {
  const response = await fetch("/healthz", { cache: "no-store" });
  let haystack = await response.text();
  response.headers.forEach((value) => (haystack += "\n" + value));
  return new Set(haystack.match(/\b[0-9a-f]{64}\b/g) || []);
}

async function showModuleIdentity() {
  const ownHash = await moduleBytes.then(sha256Hex).catch((e) => {
    ui.moduleHash.textContent = `unavailable (${e.message})`;
    return null;
  });
  if (ownHash === null) return;
  ui.moduleHash.textContent = ownHash;
  ui.moduleHash.dataset.sha256 = ownHash;
  try {
    const serverHashes = await serverModuleHashes();
    ui.moduleHash.dataset.match = String(serverHashes.has(ownHash));
    ui.moduleHash.title = serverHashes.has(ownHash)
      ? "SHA-256 of /pkg/renderer_wasm_bg.wasm, as computed in this page; /healthz reports the same"
      : `SHA-256 computed in this page; /healthz reports ${[...serverHashes].join(", ") || "none"}`;
  } catch {
    ui.moduleHash.dataset.match = "unknown";
  }
}

// ---- fonts ---------------------------------------------------------------------------

/** The footer's list of the server's fonts this page renders with, and any trouble. */
async function showFonts() {
  const { files, problems } = await serverFonts;
  try {
    await client.ready;
  } catch {
    return; // the module did not load; the preview says so
  }
  const trouble = [...problems, ...client.fontErrors.map((e) => `the module refused ${e}`)];
  ui.fonts.dataset.files = JSON.stringify(files.map((f) => f.name));
  ui.fonts.textContent = files.length
    ? `fonts: DejaVu Sans + ${files.map((f) => f.name).join(", ")} (the server's)`
    : "fonts: DejaVu Sans (built in)";
  if (trouble.length) {
    ui.fonts.textContent += `; ${trouble.join("; ")}: pictures may differ from the server's`;
    ui.fonts.classList.add("bad");
  }
  ui.fonts.title = client.fontFamilies.length ? `families: ${client.fontFamilies.join(", ")}` : "";
}

// ---- start ---------------------------------------------------------------------------

async function main() {
  ui.timeLimit.textContent = `time limit per render: ${timeoutMs} ms`;
  showModuleIdentity();
  showFonts();
  client.ready.then(
    () => (ui.moduleVersion.textContent = `renderer ${client.moduleVersion}`),
    () => {},
  );

  let fromUrl = null;
  try {
    fromUrl = specFromUrl(location.href);
  } catch (e) {
    ui.editor.value = "";
    showError({ kind: "invalid_spec", message: `could not read the spec from the link: ${e.message}` }, "");
    finishPreview(false);
  }
  const examples = loadExamples().catch((e) => {
    ui.examples.replaceChildren(new Option(`unavailable (${e.message})`, "", true, true));
    return [];
  });
  if (fromUrl) {
    setEditorText(fromUrl.text);
    preview({ first: true });
    return;
  }
  if (ui.plot.dataset.state === "error") return;
  const list = await examples;
  setEditorText(list.length ? JSON.stringify(list[0].spec) : FALLBACK_SPEC);
  preview({ first: true });
}

// A link pasted into the address bar of an open playground changes only the fragment,
// which reloads nothing; load its spec here. (replaceState, used for our own link
// updates, fires no hashchange.)
window.addEventListener("hashchange", () => {
  try {
    const fromUrl = specFromUrl(location.href);
    if (fromUrl) {
      setEditorText(fromUrl.text);
      preview();
    }
  } catch (e) {
    showError({ kind: "invalid_spec", message: `could not read the spec from the link: ${e.message}` }, "");
    finishPreview(false);
  }
});

main();
