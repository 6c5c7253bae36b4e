// Real-browser tests of the playground: Debian's chromium, driven by Playwright, against
// `plotbox serve` on a free loopback port. "What you preview is what the server sends":
// every golden spec rendered in the page must equal the server's SVG byte for byte.
//
//   node run.mjs            (or ./run.sh, which installs chromium and node_modules first)
//
// Environment:
//   PLOTBOX_BIN   the binary to serve with (default ../../target/release/plotbox)
//   PLOTBOX_URL   test an already running server instead of starting one
//   GOLDEN_DIR    folder of <case>/spec.json (default renderer-wasm/tests/golden)
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   CJK_FONT      the font a second server gets with --font-dir (default Debian's
//                 fonts-wqy-microhei file); its checks need PLOTBOX_BIN, not PLOTBOX_URL
//
// Prints one line per check, then a summary line; exits 1 on any failure.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../..");
const BIN = process.env.PLOTBOX_BIN || resolve(here, "../../target/release/plotbox");
const GOLDEN_DIR = process.env.GOLDEN_DIR || join(root, "renderer-wasm/tests/golden");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CJK_FONT = process.env.CJK_FONT || "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";
// "温度 2024": U+6E29 U+5EA6, which the built-in DejaVu Sans lacks.
const CJK_SPEC = JSON.stringify({ title: "\u6e29\u5ea6 2024", series: [{ type: "line", y: [1, 2, 3] }] });
const OUT_DIR = join(here, "out");
const SCREENSHOT = join(OUT_DIR, "playground.png");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
// Generous waits: they only bound how long a broken page can stall the run.
const SERVER_START_MS = 30_000;
const RENDER_WAIT_MS = 30_000;

// ---- reporting -------------------------------------------------------------------------

const results = [];

async function check(name, body) {
  try {
    const note = await body();
    results.push({ name, ok: true });
    console.log(`ok      ${name}${note ? ` (${note})` : ""}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAILED  ${name}: ${e && e.message ? e.message : e}`);
  }
}

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) throw new Mismatch(message);
}

function firstDifference(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  const around = (buf) => JSON.stringify(buf.subarray(Math.max(0, i - 40), i + 40).toString("utf8"));
  return `first difference at byte ${i} (lengths ${a.length} vs ${b.length}): page ${around(a)} server ${around(b)}`;
}

// ---- the server ------------------------------------------------------------------------

function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/** `plotbox serve` on a free port with `args` added (PLOTBOX_URL's server when set and `own` is false). */
async function startServer(args = [], { own = false } = {}) {
  if (process.env.PLOTBOX_URL && !own) return { base: process.env.PLOTBOX_URL.replace(/\/$/, ""), stop: async () => {} };
  if (!existsSync(BIN)) throw new Error(`no plotbox binary at ${BIN} (cargo build --release, or set PLOTBOX_BIN)`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(BIN, ["serve", "--addr", `127.0.0.1:${port}`, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
  let exited = null;
  child.on("exit", (code, signal) => (exited = signal || code));
  const stop = () =>
    new Promise((done) => {
      if (exited !== null) return done();
      child.once("exit", done);
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5000).unref();
    });
  const until = Date.now() + SERVER_START_MS;
  while (Date.now() < until) {
    if (exited !== null) throw new Error(`plotbox serve exited (${exited}):\n${log}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`plotbox serve did not answer /healthz within ${SERVER_START_MS} ms:\n${log}`);
}

async function serverRender(base, specText, format = "svg") {
  const response = await fetch(`${base}/render?format=${format}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: specText,
  });
  const warnings = response.headers.get("x-plotbox-warnings");
  return {
    status: response.status,
    body: Buffer.from(await response.arrayBuffer()),
    // X-Plotbox-Warnings, parsed; [] when absent (the server leaves it out then).
    warnings: warnings === null ? [] : JSON.parse(warnings),
  };
}

/** Renders `specText` through the page's worker: {bytes: Buffer, warnings}. */
async function workerRender(page, specText, format) {
  const got = await page.evaluate(
    async ({ text, format }) => {
      const result = await window.plotbox.client.render(text, { format, scale: 1 });
      const picture = format === "svg" ? Array.from(new TextEncoder().encode(result.svg)) : Array.from(result[format]);
      return { picture, warnings: result.warnings };
    },
    { text: specText, format },
  );
  return { bytes: Buffer.from(got.picture), warnings: got.warnings };
}

/** The warnings the page shows under its preview, and the ones its API reports. */
function pageWarnings(page) {
  return page.evaluate(() => {
    const list = document.getElementById("warnings");
    return {
      api: window.plotbox.lastWarnings,
      shown: list.hidden ? [] : Array.from(list.querySelectorAll("li"), (li) => li.textContent),
    };
  });
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- the page --------------------------------------------------------------------------

/** Loads `url` as a new document (a fragment-only change would not reload the page). */
async function open(page, url) {
  await page.goto("about:blank");
  await page.goto(url);
}

const fragmentLink = (base, specText, query = "") =>
  `${base}/${query}#spec=${Buffer.from(specText, "utf8").toString("base64url")}`;

/**
 * Waits until the page has finished render number `after + 1` or later (`<body
 * data-state>` "ready" or "error", `data-renders` counting them); returns #plot's state
 * ("ok" | "error"), the page's, the render count and who rendered ("worker" | "page").
 */
async function renderedState(page, after = 0) {
  await page.waitForFunction(
    (n) => {
      const { state, renders } = document.body.dataset;
      return Number(renders || 0) > n && (state === "ready" || state === "error");
    },
    after,
    { timeout: RENDER_WAIT_MS, polling: 20 },
  );
  return page.evaluate(() => ({
    state: document.getElementById("plot").dataset.state,
    page: document.body.dataset.state,
    render: Number(document.body.dataset.renders),
    renderedBy: document.body.dataset.renderedBy,
  }));
}

/**
 * Counts, in the page's own thread (not its workers), every WebAssembly instantiation:
 * `window.__instances`. Installed before any of the page's scripts run.
 */
async function countMainThreadInstances(page) {
  await page.addInitScript(() => {
    window.__instances = 0;
    const wasm = window.WebAssembly;
    wasm.Instance = new Proxy(wasm.Instance, {
      construct(target, args, newTarget) {
        window.__instances++;
        return Reflect.construct(target, args, newTarget);
      },
    });
    for (const name of ["instantiate", "instantiateStreaming"]) {
      const original = wasm[name];
      wasm[name] = function (...args) {
        window.__instances++;
        return original.apply(this, args);
      };
    }
  });
}

/** The page's error box, as {kind, message, path, highlight, visible}. */
function pageError(page) {
  return page.$eval("#error", (el) => ({
    kind: el.dataset.kind,
    message: document.getElementById("error-message").textContent,
    path: el.dataset.path,
    highlight: document.querySelector("#editor-highlight mark")?.textContent ?? null,
    visible: !el.hidden,
  }));
}

/** Replaces the editor's text the way typing would (an input event), then waits for it. */
async function typeSpec(page, text) {
  const before = await page.evaluate(() => Number(document.body.dataset.renders || 0));
  await page.fill("#editor", text);
  return renderedState(page, before);
}

/** The SVG in #plot and the server's, both through the same XML serializer. */
function domMatchesXml(page, want) {
  return page.evaluate((wantText) => {
    const inPage = document.querySelector("#plot > svg");
    if (!inPage) return false;
    const parsed = new DOMParser().parseFromString(wantText, "image/svg+xml").documentElement;
    const s = new XMLSerializer();
    return s.serializeToString(inPage) === s.serializeToString(parsed);
  }, want);
}

function distinctColors(pngBytes) {
  const image = PNG.sync.read(pngBytes);
  const colors = new Set();
  for (let i = 0; i < image.data.length; i += 4) colors.add(image.data.readUInt32BE(i));
  return { colors: colors.size, width: image.width, height: image.height };
}

/**
 * A scatter of 120 000 points given by `y` alone: 240 kB of JSON (under the 256 KiB up
 * to which the page once rendered a link's spec on its own thread, without a limit),
 * 0.2 to 0.4 s of rendering in the worker (several times LINK_LIMIT_MS) and 0.3 MB as a
 * `#spec=` link.
 */
function heavyLinkSpec() {
  const y = Array.from({ length: 120_000 }, (_, i) => i % 10);
  return JSON.stringify({ title: "heavy link", series: [{ type: "scatter", y }] });
}
// The time limit the heavy link is opened with (`?timeout_ms=`); the spec typed after it
// renders in a few milliseconds.
const LINK_LIMIT_MS = 50;

/** A deterministic spec far heavier than any 1 ms budget. */
function heavySpec() {
  const n = 150_000;
  const x = Array.from({ length: n }, (_, i) => i);
  const y = x.map((i) => Math.round(Math.sin(i / 97) * 1000) / 10);
  return JSON.stringify({ title: "heavy", series: [{ type: "scatter", x, y }] });
}

function goldenSpecs() {
  if (!existsSync(GOLDEN_DIR)) return [];
  return readdirSync(GOLDEN_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(GOLDEN_DIR, d.name, "spec.json")))
    .map((d) => ({ name: d.name, text: readFileSync(join(GOLDEN_DIR, d.name, "spec.json"), "utf8") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ---- the checks ------------------------------------------------------------------------

async function main() {
  mkdirSync(OUT_DIR, { recursive: true });
  const server = await startServer();
  const { base } = server;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  // Visitors' browsers do not say "HeadlessChrome", and the page draws the first picture
  // of a headless Chromium on its own thread (www/README.md), so the tests present a
  // regular Chrome user agent; one check below keeps the headless one.
  const probe = await browser.newPage();
  const headlessAgent = await probe.evaluate(() => navigator.userAgent);
  await probe.close();
  const visitorAgent = headlessAgent.replace("HeadlessChrome", "Chrome");
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    userAgent: visitorAgent,
  });
  const pageErrors = [];
  const newPage = async () => {
    const page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    return page;
  };
  let golden = { equal: 0, total: 0 };

  try {
    const page = await newPage();

    await check("module hash: /pkg/renderer_wasm_bg.wasm is the module /healthz reports", async () => {
      const health = await fetch(`${base}/healthz`);
      let reported = await health.text();
      health.headers.forEach((value) => (reported += "\n" + value));
      const hashes = new Set(reported.match(/\b[0-9a-f]{64}\b/g) || []);
      const wasm = Buffer.from(await (await fetch(`${base}/pkg/renderer_wasm_bg.wasm`)).arrayBuffer());
      expect(wasm.subarray(0, 4).equals(Buffer.from("\0asm", "latin1")), "/pkg/renderer_wasm_bg.wasm is not wasm");
      const served = createHash("sha256").update(wasm).digest("hex");
      expect(hashes.has(served), `served ${served}, /healthz reports ${[...hashes].join(", ") || "no hash"}`);
      // ... and the page computed the same hash over the bytes its worker runs.
      await open(page, `${base}/`);
      await page.waitForFunction(() => document.getElementById("module-hash").dataset.sha256, null, {
        timeout: RENDER_WAIT_MS,
      });
      const shown = await page.$eval("#module-hash", (el) => ({ ...el.dataset }));
      expect(shown.sha256 === served, `page shows ${shown.sha256}, served ${served}`);
      expect(shown.match === "true", `page says match=${shown.match}`);
      return served.slice(0, 16);
    });

    const specs = goldenSpecs();
    golden.total = specs.length;
    await check(`golden specs: page SVG equals POST /render?format=svg byte for byte`, async () => {
      expect(specs.length > 0, `no golden specs in ${GOLDEN_DIR}`);
      const problems = [];
      for (const spec of specs) {
        const want = await serverRender(base, spec.text);
        if (want.status !== 200) {
          problems.push(`${spec.name}: server answered ${want.status}`);
          continue;
        }
        // A generous limit: this compares pictures; the limit has its own check, and a
        // busy two-core machine must not turn a big golden spec into a deadline error.
        await open(page, fragmentLink(base, spec.text, `?timeout_ms=${RENDER_WAIT_MS}`));
        const { state, renderedBy } = await renderedState(page);
        if (state !== "ok") {
          problems.push(`${spec.name}: page state ${state}: ${JSON.stringify(await pageError(page))}`);
          continue;
        }
        if (renderedBy !== "worker") {
          problems.push(`${spec.name}: rendered by ${renderedBy}, not the worker`);
          continue;
        }
        const got = Buffer.from(await page.evaluate(() => window.plotbox.lastSvg), "utf8");
        if (!got.equals(want.body)) {
          problems.push(`${spec.name}: ${firstDifference(got, want.body)}`);
          continue;
        }
        if (!(await domMatchesXml(page, want.body.toString("utf8")))) {
          problems.push(`${spec.name}: the SVG in #plot is not the module's SVG`);
          continue;
        }
        // ... and a second render through the worker gives the same bytes.
        const viaWorker = Buffer.from(
          await page.evaluate((text) => window.plotbox.client.render(text).then((r) => r.svg), spec.text),
          "utf8",
        );
        if (!viaWorker.equals(want.body)) {
          problems.push(`${spec.name} (worker): ${firstDifference(viaWorker, want.body)}`);
          continue;
        }
        golden.equal++;
      }
      expect(problems.length === 0, problems.join("\n        "));
      return `${golden.equal} of ${golden.total} equal`;
    });

    const typo = '{"series": [{"type": "line", "y": [1, 3, 2], "colour": "red"}]}';
    await check("invalid spec in a link: the page shows the server's error and highlights its path", async () => {
      const server400 = await serverRender(base, typo);
      expect(server400.status === 400, `server answered ${server400.status} to a typo`);
      const { error: want } = JSON.parse(server400.body.toString("utf8"));
      await open(page, fragmentLink(base, typo));
      const { state } = await renderedState(page);
      expect(state === "error", `page state ${state}`);
      const got = await pageError(page);
      expect(got.visible, "the error box is hidden");
      expect(got.kind === want.kind && got.path === want.path && got.message === want.message,
        `page ${JSON.stringify(got)} vs server ${JSON.stringify(want)}`);
      expect(got.path === "/series/0/colour", `path ${got.path}`);
      expect(got.highlight === '"colour": "red"', `highlighted ${JSON.stringify(got.highlight)}`);
      const pathShown = await page.textContent("#error-path");
      expect(pathShown === want.path, `path shown as ${JSON.stringify(pathShown)}`);
      return `${got.kind} at ${got.path}`;
    });

    await check("invalid edits: mismatched lengths and broken JSON are shown and highlighted", async () => {
      const mismatched = '{\n  "series": [\n    {"type": "line", "x": [1, 2, 3, 4], "y": [1, 2, 3]}\n  ]\n}';
      const { error: want } = JSON.parse((await serverRender(base, mismatched)).body.toString("utf8"));
      const { state } = await typeSpec(page, mismatched);
      expect(state === "error", `page state ${state}`);
      const got = await pageError(page);
      expect(got.kind === want.kind && got.path === want.path, `page ${JSON.stringify(got)} vs server ${JSON.stringify(want)}`);
      expect(typeof want.path === "string" && want.path.length > 0, `server gave no path: ${JSON.stringify(want)}`);
      const field = want.path.split("/").pop();
      expect(got.highlight !== null && got.highlight.startsWith(`"${field}"`), `highlighted ${JSON.stringify(got.highlight)} for ${want.path}`);

      const broken = '{"series": [{"type": "line", "y": [1, 2,, 3]}]}';
      const second = await typeSpec(page, broken);
      expect(second.state === "error", `page state ${second.state} for broken JSON`);
      const syntax = await pageError(page);
      expect(syntax.kind === "invalid_spec", `kind ${syntax.kind}`);
      expect(syntax.highlight === ",", `broken JSON highlighted ${JSON.stringify(syntax.highlight)}`);
      return `${want.path}; syntax error at the second comma`;
    });

    const small = '{"width": 320, "height": 200, "title": "link", "series": [{"type": "bar", "x": ["a", "b"], "y": [2, 3]}]}';
    await check("#spec= link renders, and edits keep the link reproducing the chart", async () => {
      const want = await serverRender(base, small);
      await open(page, fragmentLink(base, small));
      expect((await renderedState(page)).state === "ok", "the link did not render");
      const got = await page.evaluate(() => window.plotbox.lastSvg);
      expect(Buffer.from(got, "utf8").equals(want.body), "page SVG differs from the server's");
      const width = await page.$eval("#plot > svg", (svg) => svg.getAttribute("width"));
      expect(width === "320", `svg width ${width}`);

      const edited = small.replace('"title": "link"', '"title": "edited"');
      expect((await typeSpec(page, edited)).state === "ok", "the edit did not render");
      const link = page.url();
      const carried = Buffer.from(new URL(link).hash.replace(/^#spec=/, ""), "base64url").toString("utf8");
      expect(JSON.stringify(JSON.parse(carried)) === JSON.stringify(JSON.parse(edited)), `the link carries ${carried}`);
      const other = await newPage();
      await open(other, link);
      expect((await renderedState(other)).state === "ok", "the shared link did not render");
      const reproduced = await other.evaluate(() => window.plotbox.lastSvg);
      const wantEdited = await serverRender(base, edited);
      expect(Buffer.from(reproduced, "utf8").equals(wantEdited.body), "the shared link shows another chart");
      await other.close();
      return `${link.length} chars`;
    });

    await check("?spec= link renders", async () => {
      const want = await serverRender(base, small);
      await open(page, `${base}/?spec=${encodeURIComponent(small)}`);
      expect((await renderedState(page)).state === "ok", "the link did not render");
      const got = await page.evaluate(() => window.plotbox.lastSvg);
      expect(Buffer.from(got, "utf8").equals(want.body), "page SVG differs from the server's");
      expect(page.url().includes("#spec="), "the address bar was not given a #spec= link");
    });

    await check("examples menu lists /examples.json and renders what it picks", async () => {
      const examples = await (await fetch(`${base}/examples.json`)).json();
      expect(Array.isArray(examples) && examples.length > 0, "no examples");
      await open(page, `${base}/`);
      await renderedState(page);
      const options = await page.$$eval("#examples option:not([disabled])", (os) => os.map((o) => o.textContent));
      expect(JSON.stringify(options) === JSON.stringify(examples.map((e) => String(e.name))), `menu ${options}`);
      const pick = examples.length - 1;
      const before = await page.evaluate(() => Number(document.body.dataset.renders));
      await page.selectOption("#examples", String(pick));
      expect((await renderedState(page, before)).state === "ok", "the example did not render");
      const got = await page.evaluate(() => window.plotbox.lastSvg);
      const want = await serverRender(base, JSON.stringify(examples[pick].spec));
      expect(Buffer.from(got, "utf8").equals(want.body), `${examples[pick].name}: page SVG differs from the server's`);
      return `${examples.length} examples`;
    });

    await check("downloads: the SVG is the preview's, the PNG decodes at the chosen scale", async () => {
      await open(page, fragmentLink(base, small));
      await renderedState(page);
      const [svgDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-svg")]);
      const svg = readFileSync(await svgDownload.path(), "utf8");
      expect(svg === (await page.evaluate(() => window.plotbox.lastSvg)), "downloaded SVG differs from the preview");
      await page.selectOption("#png-scale", "2");
      const pngDownload = page.waitForEvent("download");
      await page.click("#download-png");
      // A failed render shows its error instead of downloading: fail with it, not a timeout.
      const outcome = await Promise.race([
        pngDownload,
        page.waitForSelector("#error:not([hidden])", { timeout: RENDER_WAIT_MS }).then(() => null),
      ]);
      pngDownload.catch(() => {});
      expect(outcome !== null, `PNG render failed: ${JSON.stringify(await pageError(page))}`);
      const png = PNG.sync.read(readFileSync(await outcome.path()));
      expect(png.width === 640 && png.height === 400, `PNG is ${png.width}x${png.height}, want 640x400`);
    });

    await check("downloads: the PDF rendered in the page is the server's format=pdf, byte for byte", async () => {
      await open(page, fragmentLink(base, small));
      await renderedState(page);
      const pdfDownload = page.waitForEvent("download");
      await page.click("#download-pdf");
      const outcome = await Promise.race([
        pdfDownload,
        page.waitForSelector("#error:not([hidden])", { timeout: RENDER_WAIT_MS }).then(() => null),
      ]);
      pdfDownload.catch(() => {});
      expect(outcome !== null, `PDF render failed: ${JSON.stringify(await pageError(page))}`);
      expect(outcome.suggestedFilename() === "plot.pdf", `saved as ${outcome.suggestedFilename()}`);
      const pdf = readFileSync(await outcome.path());
      expect(pdf.subarray(0, 8).toString("latin1") === "%PDF-1.7", "the download is not a PDF");
      const want = await serverRender(base, small, "pdf");
      expect(want.status === 200, `server answered ${want.status}`);
      expect(pdf.equals(want.body), `page PDF (${pdf.length} bytes) differs from the server's (${want.body.length} bytes)`);
      return `${pdf.length} bytes`;
    });

    await check("screenshot of the playground with the server's PNG beside it is not blank", async () => {
      const spec = specs.find((s) => s.text.length < 200_000)?.text ?? small;
      await open(page, fragmentLink(base, spec));
      expect((await renderedState(page)).state === "ok", "the spec did not render");
      await page.check("#server-toggle");
      await page.waitForFunction(
        () => {
          const fig = document.getElementById("server-figure");
          const img = document.getElementById("server-png");
          return fig.dataset.state === "error" || (fig.dataset.state === "ok" && img.complete && img.naturalWidth > 0);
        },
        null,
        { timeout: RENDER_WAIT_MS },
      );
      // Taken first, so that a failure below still leaves a picture to look at.
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const serverState = await page.$eval("#server-figure", (fig) => fig.dataset.state);
      expect(serverState === "ok", `server picture: ${await page.textContent("#server-error")}`);
      const whole = distinctColors(readFileSync(SCREENSHOT));
      // The plot alone: an empty or failed picture is its checkerboard (two colors).
      const plot = distinctColors(await page.locator("#plot").screenshot());
      const served = distinctColors(await page.locator("#server-png").screenshot());
      expect(plot.colors >= 16, `the preview has only ${plot.colors} colors`);
      expect(served.colors >= 16, `the server's picture has only ${served.colors} colors`);
      return `${SCREENSHOT}: ${whole.width}x${whole.height}, ${whole.colors} colors; plot ${plot.colors}, server PNG ${served.colors}`;
    });

    await check("#spec= link renders through the worker: the page's thread never instantiates the module", async () => {
      const own = await newPage();
      await countMainThreadInstances(own);
      const want = await serverRender(base, small);
      await open(own, fragmentLink(base, small));
      const got = await renderedState(own);
      expect(got.page === "ready" && got.renderedBy === "worker", `page ${got.page}, rendered by ${got.renderedBy}`);
      const seen = await own.evaluate(() => ({
        instances: window.__instances,
        pageRenders: window.plotbox.pageRenders,
        answered: window.plotbox.client.answered,
        svg: window.plotbox.lastSvg,
      }));
      expect(Buffer.from(seen.svg, "utf8").equals(want.body), "page SVG differs from the server's");
      expect(seen.instances === 0, `the page's thread instantiated WebAssembly ${seen.instances} times`);
      expect(seen.pageRenders === 0, `${seen.pageRenders} renders ran on the page's thread`);
      expect(seen.answered >= 1, `the worker answered ${seen.answered} renders`);
      // The counter sees a main-thread instantiation when there is one.
      const after = await own.evaluate(async () => {
        const glue = await import("/pkg/renderer_wasm.js");
        glue.initSync({ module: await window.plotbox.client.module });
        return window.__instances;
      });
      expect(after === 1, `a deliberate initSync on the page's thread counted ${after}`);
      await own.close();
      return `${seen.answered} worker answers, 0 main-thread instances`;
    });

    await check("headless Chromium: the first picture on the page's thread, later ones in the worker", async () => {
      expect(headlessAgent.includes("HeadlessChrome"), `the default user agent is ${headlessAgent}`);
      const headless = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const own = await headless.newPage();
      own.on("pageerror", (e) => pageErrors.push(e.message));
      const want = await serverRender(base, small);
      await open(own, fragmentLink(base, small));
      const first = await renderedState(own);
      expect(first.page === "ready" && first.renderedBy === "page", `page ${first.page}, rendered by ${first.renderedBy}`);
      const firstSvg = await own.evaluate(() => window.plotbox.lastSvg);
      expect(Buffer.from(firstSvg, "utf8").equals(want.body), "the page's SVG differs from the server's");
      const next = await typeSpec(own, JSON.stringify({ title: "second", series: [{ type: "line", y: [3, 1, 2] }] }));
      expect(next.page === "ready" && next.renderedBy === "worker", `next render: page ${next.page}, by ${next.renderedBy}`);
      const pageRenders = await own.evaluate(() => window.plotbox.pageRenders);
      expect(pageRenders === 1, `${pageRenders} renders ran on the page's thread`);
      await headless.close();
      return "first by the page, next by the worker";
    });

    await check("#spec= link past the time limit: visible deadline error, worker replaced, page responsive, next render works", async () => {
      const own = await newPage();
      await countMainThreadInstances(own);
      const heavy = heavyLinkSpec();
      const link = fragmentLink(base, heavy, `?timeout_ms=${LINK_LIMIT_MS}`);
      expect(link.length < 2_000_000, `the link is ${link.length} chars, over Chromium's URL limit`);
      await open(own, link);
      const got = await renderedState(own);
      expect(got.page === "error" && got.state === "error", `page ${got.page}, #plot ${got.state}`);
      const error = await pageError(own);
      expect(error.visible, "the error box is hidden");
      expect(error.kind === "deadline_exceeded", `error ${JSON.stringify(error)}`);
      expect(error.message.includes(`${LINK_LIMIT_MS} ms`), `message ${JSON.stringify(error.message)}`);
      const shownKind = await own.textContent("#error-kind");
      expect(shownKind === "deadline_exceeded", `the page shows ${JSON.stringify(shownKind)}`);
      const seen = await own.evaluate(() => ({
        instances: window.__instances,
        pageRenders: window.plotbox.pageRenders,
        restarts: window.plotbox.client.restarts,
      }));
      expect(seen.instances === 0 && seen.pageRenders === 0,
        `the page's thread rendered: ${seen.instances} instances, ${seen.pageRenders} renders`);
      expect(seen.restarts >= 1, "the worker was not terminated and replaced");
      // The page answers: a script runs, and a click reaches its handler.
      expect((await own.evaluate(() => 6 * 7)) === 42, "the page does not evaluate scripts");
      await own.check("#server-toggle");
      expect(await own.isVisible("#server-figure"), "a click on 'render on server' did nothing");
      await own.uncheck("#server-toggle");
      // The next render, typed into the editor, is the server's picture.
      const next = await typeSpec(own, small);
      expect(next.page === "ready" && next.renderedBy === "worker", `next render: page ${next.page}, by ${next.renderedBy}`);
      const svg = await own.evaluate(() => window.plotbox.lastSvg);
      const want = await serverRender(base, small);
      expect(Buffer.from(svg, "utf8").equals(want.body), "the next render differs from the server's");
      expect(!(await pageError(own)).visible, "the deadline error is still shown");
      await own.close();
      return `${error.message}; ${seen.restarts} restart(s)`;
    });

    await check("a render past the time limit is stopped: deadline error, worker replaced, page alive", async () => {
      await open(page, `${base}/?timeout_ms=1`);
      await renderedState(page);
      const limit = await page.textContent("#time-limit");
      expect(limit.includes("1 ms"), `time limit shown as ${JSON.stringify(limit)}`);
      const heavy = heavySpec();
      const { state } = await typeSpec(page, heavy);
      expect(state === "error", `page state ${state}`);
      const got = await pageError(page);
      expect(got.kind === "deadline_exceeded", `error ${JSON.stringify(got)}`);
      // Straight to the worker, with the page thread idle, so that the limit strikes
      // while the render runs (typing a 2 MB spec can keep the page thread busy past it,
      // and then the worker's own clock is what fails the render): it is terminated.
      const stopped = await page.evaluate(async (text) => {
        const client = window.plotbox.client;
        const before = client.restarts;
        const kind = await client.render(text).then(() => "ok", (failure) => failure.kind);
        return { kind, replaced: client.restarts > before };
      }, heavy);
      expect(stopped.kind === "deadline_exceeded", `direct render: ${stopped.kind}`);
      expect(stopped.replaced, "the worker was not replaced");
      // While the worker renders, the page thread keeps running: a timer queued after
      // the render was handed over fires before the render's answer arrives.
      const responsive = await page.evaluate(async (text) => {
        const client = window.plotbox.client;
        client.timeoutMs = 60_000;
        let answered = false;
        const rendering = client.render(text).finally(() => (answered = true));
        await new Promise((r) => setTimeout(r, 0));
        const tickedFirst = !answered;
        await rendering.catch(() => {});
        return tickedFirst;
      }, heavy);
      expect(responsive, "the page thread did not run while the worker rendered");
      // The replacement works: with a sane limit, the next render succeeds.
      const after = await page.evaluate(async (text) => {
        window.plotbox.client.timeoutMs = 10_000;
        return (await window.plotbox.client.render(text)).svg;
      }, small);
      const want = await serverRender(base, small);
      expect(Buffer.from(after, "utf8").equals(want.body), "the replacement worker renders differently");
      return got.message;
    });

    await check("fonts: without --font-dir the page shows the server's X-Plotbox-Warnings (U+6E29 drawn as a box)", async () => {
      const want = { svg: await serverRender(base, CJK_SPEC, "svg") };
      expect(want.svg.status === 200, `server answered ${want.svg.status}`);
      expect(want.svg.warnings.some((w) => w.includes("U+6E29")), `server warnings ${JSON.stringify(want.svg.warnings)}`);
      await open(page, fragmentLink(base, CJK_SPEC, `?timeout_ms=${RENDER_WAIT_MS}`));
      expect((await renderedState(page)).state === "ok", "the spec did not render");
      const shown = await pageWarnings(page);
      expect(same(shown.api, want.svg.warnings), `page API ${JSON.stringify(shown.api)} vs server ${JSON.stringify(want.svg.warnings)}`);
      expect(same(shown.shown, want.svg.warnings), `page shows ${JSON.stringify(shown.shown)}`);
      const files = await page.$eval("#fonts", (el) => el.dataset.files);
      expect(files === "[]", `the page says it has the fonts ${files}`);
      for (const format of ["svg", "png", "pdf"]) {
        const server = format === "svg" ? want.svg : await serverRender(base, CJK_SPEC, format);
        const got = await workerRender(page, CJK_SPEC, format);
        expect(got.bytes.equals(server.body), `${format}: page (worker) differs from the server's`);
        expect(same(got.warnings, server.warnings), `${format}: worker warnings ${JSON.stringify(got.warnings)} vs ${JSON.stringify(server.warnings)}`);
      }
      return want.svg.warnings.join("; ");
    });

    // A second server, with a CJK font: the page must fetch the same font and draw the
    // same bytes.
    let fontServer = null;
    let fontDir = null;
    await check("fonts: with --font-dir, GET /fonts/files/<name> is the font file the server was given", async () => {
      expect(existsSync(CJK_FONT), `${CJK_FONT} is missing: apt-get install -y fonts-wqy-microhei (run.sh does)`);
      fontDir = mkdtempSync(join(tmpdir(), "plotbox-browser-fonts-"));
      copyFileSync(CJK_FONT, join(fontDir, basename(CJK_FONT)));
      fontServer = await startServer(["--font-dir", fontDir], { own: true });
      const listing = await (await fetch(`${fontServer.base}/fonts`)).json();
      expect(same(listing.files.map((f) => f.name), [basename(CJK_FONT)]), `/fonts lists ${JSON.stringify(listing.files)}`);
      const response = await fetch(new URL(listing.files[0].url, fontServer.base));
      expect(response.status === 200, `${listing.files[0].url}: HTTP ${response.status}`);
      const served = Buffer.from(await response.arrayBuffer());
      expect(served.equals(readFileSync(CJK_FONT)), `served ${served.length} bytes that are not ${CJK_FONT}`);
      expect(response.headers.get("content-type") === "font/collection", `content-type ${response.headers.get("content-type")}`);
      const missing = await fetch(`${fontServer.base}/fonts/files/..%2F..%2Fetc%2Fpasswd`);
      expect(missing.status === 404, `a path outside the set answered ${missing.status}`);
      return `${served.length} bytes`;
    });

    await check("fonts: with --font-dir, the page's SVG, PNG and PDF of a CJK title equal the server's, without warnings", async () => {
      expect(fontServer !== null, "no server with --font-dir (see the check above)");
      const fb = fontServer.base;
      const want = {};
      for (const format of ["svg", "png", "pdf"]) {
        want[format] = await serverRender(fb, CJK_SPEC, format);
        expect(want[format].status === 200, `server ${format}: ${want[format].status}`);
        expect(want[format].warnings.length === 0, `server ${format} warns ${JSON.stringify(want[format].warnings)}`);
      }
      // The font matters: without it the server draws boxes instead.
      const boxes = await serverRender(base, CJK_SPEC, "svg");
      expect(!boxes.body.equals(want.svg.body), "the SVG with the font equals the one without");
      const fontsPage = await newPage();
      await open(fontsPage, fragmentLink(fb, CJK_SPEC, `?timeout_ms=${RENDER_WAIT_MS}`));
      const { state } = await renderedState(fontsPage);
      expect(state === "ok", `page state ${state}: ${JSON.stringify(await pageError(fontsPage))}`);
      // The first picture (rendered by the worker) ...
      const first = Buffer.from(await fontsPage.evaluate(() => window.plotbox.lastSvg), "utf8");
      expect(first.equals(want.svg.body), `first render: ${firstDifference(first, want.svg.body)}`);
      const shown = await pageWarnings(fontsPage);
      expect(shown.api.length === 0 && shown.shown.length === 0, `the page warns ${JSON.stringify(shown)}`);
      const files = await fontsPage.$eval("#fonts", (el) => el.dataset.files);
      expect(files === JSON.stringify([basename(CJK_FONT)]), `the page has the fonts ${files}`);
      // ... and every format through the worker, before and after it is replaced (a
      // replacement gets the fonts too).
      for (const round of ["worker", "replaced worker"]) {
        for (const format of ["svg", "png", "pdf"]) {
          const got = await workerRender(fontsPage, CJK_SPEC, format);
          expect(got.bytes.equals(want[format].body),
            `${round} ${format}: ${format === "svg" ? firstDifference(got.bytes, want[format].body) : `${got.bytes.length} vs ${want[format].body.length} bytes`}`);
          expect(got.warnings.length === 0, `${round} ${format} warns ${JSON.stringify(got.warnings)}`);
        }
        await fontsPage.evaluate(() => window.plotbox.client.restart());
      }
      await fontsPage.close();
      return `SVG ${want.svg.body.length}, PNG ${want.png.body.length}, PDF ${want.pdf.body.length} bytes`;
    });
    await fontServer?.stop();
    if (fontDir) rmSync(fontDir, { recursive: true, force: true });

    await check("no uncaught errors in the page", async () => {
      expect(pageErrors.length === 0, pageErrors.join("; "));
    });
  } finally {
    await browser.close();
    await server.stop();
  }

  const failed = results.filter((r) => !r.ok).length;
  console.log(
    `browser: ${golden.equal}/${golden.total} golden specs byte-equal to the server's SVG; ` +
      `${results.length - failed}/${results.length} checks passed; screenshot ${SCREENSHOT}`,
  );
  writeFileSync(join(OUT_DIR, "summary.json"), JSON.stringify({ golden, results }, null, 2) + "\n");
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`browser tests could not run: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
