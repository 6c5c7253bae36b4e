// Unit tests of the page's pure modules (no browser, no server): the JSON tokenizer that
// maps an error's JSON Pointer to a text range, and the share-link encoding.
//   node --test unit.test.mjs

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  JsonSyntaxError,
  compactJson,
  formatJson,
  parseWithPositions,
  pointerRange,
  pointerTokens,
} from "../../www/jsonpos.js";
import { decodeBase64Url, encodeBase64Url, specFromUrl, urlWithSpec } from "../../www/share.js";

const slice = (text, pointer) => {
  const range = pointerRange(parseWithPositions(text), pointer);
  return { text: text.slice(range.start, range.end), exact: range.exact };
};

test("a member's range covers its key and value", () => {
  const text = '{"axes": [{"series": [{"type": "line", "colour" : "red"}]}]}';
  assert.deepEqual(slice(text, "/axes/0/series/0/colour"), { text: '"colour" : "red"', exact: true });
});

test("an array item's range is the item", () => {
  const text = '{"series": [{"type": "bar"}, {"type": "line", "y": [1, 2, 3]}]}';
  assert.deepEqual(slice(text, "/series/1/y/2"), { text: "3", exact: true });
  assert.deepEqual(slice(text, "/series/1"), { text: '{"type": "line", "y": [1, 2, 3]}', exact: true });
});

test("escaped pointer tokens and escaped keys match", () => {
  assert.deepEqual(pointerTokens("/a~1b/c~0d/"), ["a/b", "c~d", ""]);
  const text = '{"a/b": {"c~d": 1}, "\\u0078": 2}';
  assert.deepEqual(slice(text, "/a~1b/c~0d"), { text: '"c~d": 1', exact: true });
  assert.deepEqual(slice(text, "/x"), { text: '"\\u0078": 2', exact: true });
});

test("a missing field stops at the deepest node that exists", () => {
  const text = '{"series": [{"type": "line"}]}';
  assert.deepEqual(slice(text, "/series/0/y"), { text: '{"type": "line"}', exact: false });
  assert.deepEqual(slice(text, "/series/7"), { text: '"series": [{"type": "line"}]', exact: false });
  assert.equal(slice(text, "").text, text);
});

test("syntax errors carry the offset of the fault", () => {
  for (const [text, offset] of [
    ['{"y": [1, 2,, 3]}', 12],
    ['{"y": [1, 2]', 12],
    ['{"y" 1}', 5],
    ["{'y': 1}", 1],
    ['{"y": 01}', 7],
    ['{"y": 1} x', 9],
    ["", 0],
  ]) {
    assert.throws(() => parseWithPositions(text), (e) => e instanceof JsonSyntaxError && e.offset === offset, text);
  }
});

test("hostile nesting is a syntax error, not a stack overflow", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  assert.throws(() => parseWithPositions(deep), JsonSyntaxError);
});

test("formatting keeps every literal as written and the document equal", () => {
  const text = '{"width":640,"y":[1.0,2e3,-0,1e400,12345678901234567890],"s":"a\\"b\\u00e9","n":null,"o":{},"a":[]}';
  const pretty = formatJson(text);
  assert.match(pretty, /\[1\.0, 2e3, -0, 1e400, 12345678901234567890\]/);
  assert.ok(pretty.includes('"a\\"b\\u00e9"'));
  assert.equal(compactJson(pretty), text);
  assert.deepEqual(JSON.parse(pretty), JSON.parse(text));
  assert.equal(pretty.split("\n")[1], '  "width": 640,');
});

test("base64url round-trips UTF-8 and accepts padded plain base64", () => {
  const text = '{"title": "Zürich – 東京 📈"}';
  const encoded = encodeBase64Url(text);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.equal(decodeBase64Url(encoded), text);
  assert.equal(decodeBase64Url(Buffer.from(text).toString("base64")), text);
  assert.equal(encoded, Buffer.from(text).toString("base64url"));
  assert.throws(() => decodeBase64Url("not base64!"));
  assert.throws(() => decodeBase64Url(Buffer.from([0xff, 0xfe]).toString("base64url")));
});

test("links: the fragment wins over the query, and the editor's link drops ?spec=", () => {
  const spec = '{"series":[{"type":"line","y":[1,2]}]}';
  const fragment = `http://h/?timeout_ms=5#spec=${encodeBase64Url(spec)}`;
  assert.deepEqual(specFromUrl(fragment), { text: spec, from: "fragment" });
  assert.deepEqual(specFromUrl(`http://h/?spec=${encodeURIComponent(spec)}`), { text: spec, from: "query" });
  assert.equal(specFromUrl("http://h/"), null);
  const shared = urlWithSpec(`http://h/?spec=x&timeout_ms=5`, spec);
  assert.equal(shared, `http://h/?timeout_ms=5#spec=${encodeBase64Url(spec)}`);
});

test("fonts: addFonts adds in order, keeps going past a refused file, and reports it", async () => {
  const { addFonts } = await import("../../www/render-client.js");
  const seen = [];
  const addFont = (bytes) => {
    seen.push(bytes.length);
    if (bytes.length === 2) throw "font file 2: not a font";
    return ["DejaVu Sans", `F${seen.length}`];
  };
  const fonts = [
    { name: "a.ttf", bytes: new ArrayBuffer(1) },
    { name: "b.ttf", bytes: new ArrayBuffer(2) },
    { name: "c.ttf", bytes: new ArrayBuffer(3) },
  ];
  assert.deepEqual(addFonts(addFont, fonts), {
    families: ["DejaVu Sans", "F3"],
    fontErrors: ["b.ttf: font file 2: not a font"],
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.deepEqual(addFonts(addFont, undefined), { families: [], fontErrors: [] });
});

test("fonts: fetchServerFonts follows /fonts's file order, and no /fonts means no fonts", async () => {
  const { fetchServerFonts } = await import("../../www/render-client.js");
  const realFetch = globalThis.fetch;
  const asked = [];
  const serve = (routes) => async (url) => {
    const key = String(url);
    asked.push(key);
    const body = routes[key];
    if (body === undefined) return new Response("no", { status: 404 });
    return new Response(body);
  };
  try {
    const listing = {
      families: [],
      files: [
        { name: "b.ttf", bytes: 2, url: "/fonts/files/b.ttf" },
        { name: "a b.ttf", bytes: 1, url: "/fonts/files/a%20b.ttf" },
        { name: "gone.ttf", bytes: 1, url: "/fonts/files/gone.ttf" },
      ],
    };
    globalThis.fetch = serve({
      "http://h/fonts": JSON.stringify(listing),
      "http://h/fonts/files/b.ttf": "bb",
      "http://h/fonts/files/a%20b.ttf": "a",
    });
    const got = await fetchServerFonts("http://h");
    assert.deepEqual(
      got.files.map((f) => [f.name, f.bytes.byteLength]),
      [["b.ttf", 2], ["a b.ttf", 1]],
    );
    assert.equal(got.problems.length, 1);
    assert.match(got.problems[0], /gone\.ttf.*HTTP 404/);

    globalThis.fetch = serve({});
    assert.deepEqual(await fetchServerFonts("http://h"), { files: [], problems: [] });
    globalThis.fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    assert.deepEqual(await fetchServerFonts("http://h"), { files: [], problems: [] });
  } finally {
    globalThis.fetch = realFetch;
  }
});
