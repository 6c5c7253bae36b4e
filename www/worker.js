// The render worker: runs the renderer module (the same .wasm the server embeds) off
// the page's main thread, so that a heavy spec can never freeze the page. The page
// enforces the time limit by terminating this worker (render-client.js).
//
// Protocol (messages from the page):
//   {type: "init", module?: WebAssembly.Module, fonts?: [{name, bytes: ArrayBuffer}]}
//        -> {type: "ready", version, families, fontErrors} | {type: "init-failed", message}
//   {type: "render", id, format: "svg"}          -> {type: "done", id, svg, warnings}
//   {type: "render", id, format: "png", scale}   -> {type: "done", id, png, warnings} (png transferred)
//   {type: "render", id, format: "pdf"}          -> {type: "done", id, pdf, warnings} (pdf transferred)
//   any render failure                           -> {type: "failed", id, error, fatal}
// Answers carry `ms`, the render's own duration measured here. `fonts` are added with
// addFont, in order, before the first render (the server's --font-dir files, so that
// the pictures are the server's); `fontErrors` lists the files addFont refused.
// `error` is docs/spec.md's error JSON text; `fatal` means the module trapped and this
// instance must not be trusted again.

import init, { addFont, renderSvg, renderPng, renderPdf, renderWarnings, version } from "/pkg/renderer_wasm.js";
import { addFonts } from "./render-client.js";

let ready = false;

function errorJson(kind, message) {
  return JSON.stringify({ error: { kind, message } });
}

async function start(module, fonts) {
  try {
    // The page hands over the module it compiled from the bytes it hashed, so the
    // worker runs exactly the bytes whose SHA-256 the page shows; without one the
    // glue fetches /pkg/renderer_wasm_bg.wasm itself.
    await init(module ? { module_or_path: module } : undefined);
    const { families, fontErrors } = addFonts(addFont, fonts);
    ready = true;
    self.postMessage({ type: "ready", version: version(), families, fontErrors });
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
      const warnings = renderWarnings();
      self.postMessage({ type: "done", id: msg.id, png, warnings, ms: elapsed() }, [png.buffer]);
    } else if (msg.format === "pdf") {
      const pdf = renderPdf(msg.spec);
      const warnings = renderWarnings();
      self.postMessage({ type: "done", id: msg.id, pdf, warnings, ms: elapsed() }, [pdf.buffer]);
    } else {
      const svg = renderSvg(msg.spec);
      const warnings = renderWarnings();
      self.postMessage({ type: "done", id: msg.id, svg, warnings, ms: elapsed() });
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
  if (msg.type === "init") start(msg.module, msg.fonts);
  else if (msg.type === "render") render(msg);
};
