// JSON with positions: a small tokenizer/parser that remembers where every value sits
// in the source text, so the editor can turn an error's JSON Pointer into a text range
// to highlight, and reformat a spec without touching its literals (a number is copied
// as written, never round-tripped through a JS double, so the text the renderer sees
// keeps its exact meaning).
//
// No DOM, no dependencies: the browser tests import it under node as well.

/** A JSON syntax error at a character offset of the source text. */
export class JsonSyntaxError extends Error {
  constructor(message, offset) {
    super(`${message} at character ${offset}`);
    this.name = "JsonSyntaxError";
    this.offset = offset;
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERALS = ["true", "false", "null"];
// serde_json refuses deeper documents; stopping here too keeps a hostile paste from
// overflowing the JS stack.
const MAX_DEPTH = 128;

/**
 * Parses JSON text into nodes:
 *   {kind: "object", start, end, members: [{key, keyStart, keyEnd, value}]}
 *   {kind: "array", start, end, items: [node]}
 *   {kind: "string" | "number" | "literal", start, end}
 * `start`/`end` are offsets into `text` (end exclusive). Throws JsonSyntaxError.
 */
export function parseWithPositions(text) {
  let pos = 0;

  const skipSpace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };

  const match = (re) => {
    re.lastIndex = pos;
    const m = re.exec(text);
    return m ? m[0] : null;
  };

  const value = (depth) => {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError("nested too deeply", pos);
    skipSpace();
    if (pos >= text.length) throw new JsonSyntaxError("the JSON ends early", pos);
    const start = pos;
    const c = text[pos];
    if (c === "{") return object(start, depth);
    if (c === "[") return array(start, depth);
    if (c === '"') {
      const s = match(STRING);
      if (s === null) throw new JsonSyntaxError("bad string", pos);
      pos += s.length;
      return { kind: "string", start, end: pos };
    }
    const n = match(NUMBER);
    if (n !== null) {
      pos += n.length;
      return { kind: "number", start, end: pos };
    }
    for (const lit of LITERALS) {
      if (text.startsWith(lit, pos)) {
        pos += lit.length;
        return { kind: "literal", start, end: pos };
      }
    }
    throw new JsonSyntaxError(`unexpected ${JSON.stringify(c)}`, pos);
  };

  const object = (start, depth) => {
    pos++; // {
    const members = [];
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return { kind: "object", start, end: pos, members };
    }
    for (;;) {
      skipSpace();
      const keyStart = pos;
      const raw = text[pos] === '"' ? match(STRING) : null;
      if (raw === null) throw new JsonSyntaxError("expected a quoted key", pos);
      pos += raw.length;
      const keyEnd = pos;
      skipSpace();
      if (text[pos] !== ":") throw new JsonSyntaxError("expected ':'", pos);
      pos++;
      const v = value(depth + 1);
      members.push({ key: JSON.parse(raw), keyStart, keyEnd, value: v });
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "}") {
        pos++;
        return { kind: "object", start, end: pos, members };
      }
      throw new JsonSyntaxError("expected ',' or '}'", pos);
    }
  };

  const array = (start, depth) => {
    pos++; // [
    const items = [];
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return { kind: "array", start, end: pos, items };
    }
    for (;;) {
      items.push(value(depth + 1));
      skipSpace();
      if (text[pos] === ",") {
        pos++;
        continue;
      }
      if (text[pos] === "]") {
        pos++;
        return { kind: "array", start, end: pos, items };
      }
      throw new JsonSyntaxError("expected ',' or ']'", pos);
    }
  };

  const root = value(0);
  skipSpace();
  if (pos < text.length) throw new JsonSyntaxError("trailing characters", pos);
  return root;
}

/** Splits an RFC 6901 JSON Pointer into its unescaped reference tokens. */
export function pointerTokens(pointer) {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The text range that a JSON Pointer names: for an object member, its key and value
 * (so `"colour": "red"` lights up as a whole); for an array item, the item. A pointer
 * that leads to a missing field (a required field left out) stops at the deepest node
 * that exists, and says so with `exact: false`.
 */
export function pointerRange(root, pointer) {
  let node = root;
  let range = { start: root.start, end: root.end, exact: true };
  for (const token of pointerTokens(pointer)) {
    let next = null;
    if (node.kind === "object") {
      const member = node.members.find((m) => m.key === token);
      if (member) {
        next = member.value;
        range = { start: member.keyStart, end: member.value.end, exact: true };
      }
    } else if (node.kind === "array" && /^(0|[1-9][0-9]*)$/.test(token)) {
      const item = node.items[Number(token)];
      if (item) {
        next = item;
        range = { start: item.start, end: item.end, exact: true };
      }
    }
    if (!next) return { ...range, exact: false };
    node = next;
  }
  return range;
}

const isScalar = (node) => node.kind !== "object" && node.kind !== "array";

/**
 * Pretty-prints parsed JSON with literals copied verbatim from `text`. Arrays of
 * scalars stay on one line (data columns would otherwise take thousands of lines).
 */
export function formatJson(text, root = parseWithPositions(text), indent = "  ") {
  const out = [];
  const write = (node, pad) => {
    if (isScalar(node)) {
      out.push(text.slice(node.start, node.end));
    } else if (node.kind === "array") {
      if (node.items.length === 0) {
        out.push("[]");
      } else if (node.items.every(isScalar)) {
        out.push("[", node.items.map((n) => text.slice(n.start, n.end)).join(", "), "]");
      } else {
        const inner = pad + indent;
        out.push("[\n");
        node.items.forEach((item, i) => {
          out.push(inner);
          write(item, inner);
          out.push(i + 1 < node.items.length ? ",\n" : "\n");
        });
        out.push(pad, "]");
      }
    } else if (node.members.length === 0) {
      out.push("{}");
    } else {
      const inner = pad + indent;
      out.push("{\n");
      node.members.forEach((m, i) => {
        out.push(inner, text.slice(m.keyStart, m.keyEnd), ": ");
        write(m.value, inner);
        out.push(i + 1 < node.members.length ? ",\n" : "\n");
      });
      out.push(pad, "}");
    }
  };
  write(root, "");
  return out.join("");
}

/** The same JSON without insignificant whitespace, literals verbatim (for share links). */
export function compactJson(text, root = parseWithPositions(text)) {
  const out = [];
  const write = (node) => {
    if (isScalar(node)) {
      out.push(text.slice(node.start, node.end));
    } else if (node.kind === "array") {
      out.push("[");
      node.items.forEach((item, i) => {
        if (i) out.push(",");
        write(item);
      });
      out.push("]");
    } else {
      out.push("{");
      node.members.forEach((m, i) => {
        if (i) out.push(",");
        out.push(text.slice(m.keyStart, m.keyEnd), ":");
        write(m.value);
      });
      out.push("}");
    }
  };
  write(root);
  return out.join("");
}
