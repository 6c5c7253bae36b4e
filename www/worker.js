// The render worker: runs the renderer module (the same .wasm the server embeds) off
// the page's main thread, so that a heavy spec can never freeze the page. The page
// enforces the time limit by terminating this worker (render-client.js).
//
// Protocol (messages from the page):
//   {type: "init", module?: WebAssembly.Module}  -> {type: "ready", version}
//                                                 | {type: "init-failed", message}
//   {type: "render", id, format: "svg"}          -> {type: "done", id, svg}
//   {type: "render", id, format: "png", scale}   -> {type: "done", id, png} (transferred)
//   {type: "render", id, format: "pdf"}          -> {type: "done", id, pdf} (transferred)
//   any render failure                           -> {type: "failed", id, error, fatal}
// Answers carry `ms`, the render's own duration measured here.
// `error` is SPEC.md's error JSON text; `fatal` means the module trapped and this
// instance must not be trusted again.

import init, { renderSvg, renderPng, renderPdf, version } from "/pkg/renderer_wasm.js";

let ready = false;

function errorJson(kind, message) {
  return JSON.stringify({ error: { kind, message } });
}

async function start(module) {
  try {
    // The page hands over the module it compiled from the bytes it hashed, so the
    // worker runs exactly the bytes whose SHA-256 the page shows; without one the
    // glue fetches /pkg/renderer_wasm_bg.wasm itself.
    await init(module ? { module_or_path: module } : undefined);
    ready = true;
    self.postMessage({ type: "ready", version: version() });
  } catch (e) {
    self.postMessage({ type: "init-failed", message: String(e && e.message ? e.message : e) });
  }
}

function render(msg) {
  if (!ready) {
    self.postMessage({
      type: "failed",
      id: msg.id,
      error: errorJson("internal", "the renderer module is not loaded"),
      fatal: true,
    });
    return;
  }
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    if (msg.format === "png") {
      const png = renderPng(msg.spec, msg.scale);
      self.postMessage({ type: "done", id: msg.id, png, ms: elapsed() }, [png.buffer]);
    } else if (msg.format === "pdf") {
      const pdf = renderPdf(msg.spec);
      self.postMessage({ type: "done", id: msg.id, pdf, ms: elapsed() }, [pdf.buffer]);
    } else {
      const svg = renderSvg(msg.spec);
      self.postMessage({ type: "done", id: msg.id, svg, ms: elapsed() });
    }
  } catch (e) {
    // The bindings throw the error JSON as a string; anything else is a trap (a
    // guest panic aborts), after which the instance's memory is suspect.
    if (typeof e === "string") {
      self.postMessage({ type: "failed", id: msg.id, error: e, fatal: false, ms: elapsed() });
    } else {
      const message = `the renderer module trapped: ${e && e.message ? e.message : e}`;
      self.postMessage({ type: "failed", id: msg.id, error: errorJson("internal", message), fatal: true, ms: elapsed() });
    }
  }
}

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "init") start(msg.module);
  else if (msg.type === "render") render(msg);
};
