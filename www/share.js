// Share links: a spec travels in the URL as `#spec=<base64url of its UTF-8 JSON>`
// (what the editor writes, and what the contract check loads) or as
// `?spec=<url-encoded JSON>` (handy to type or to build with encodeURIComponent).
// No DOM: the browser tests import this under node to build their links.

/** base64url (RFC 4648 §5) of the UTF-8 bytes of `text`, without padding. */
export function encodeBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  // String.fromCharCode(...bytes) would overflow the argument stack on big specs.
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes base64url (or plain base64, padded or not) to UTF-8 text. Throws on
 * characters outside the alphabet or on bytes that are not UTF-8.
 */
export function decodeBase64Url(encoded) {
  const b64 = encoded.trim().replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(b64) || b64.length % 4 === 1) {
    throw new Error("the #spec= link is not base64url");
  }
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/**
 * The spec a URL carries, as `{text, from}` (`from` is "fragment" or "query"), or
 * null. The fragment wins: it is what the editor keeps up to date.
 */
export function specFromUrl(href) {
  const url = new URL(href);
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  const encoded = fragment.get("spec");
  if (encoded !== null) {
    // URLSearchParams turns '+' into ' '; base64url has no '+', plain base64 does.
    return { text: decodeBase64Url(encoded.replace(/ /g, "+")), from: "fragment" };
  }
  const query = url.searchParams.get("spec");
  if (query !== null) return { text: query, from: "query" };
  return null;
}

/**
 * The URL to show for a spec: the current one with `#spec=` replaced and `?spec=`
 * dropped (the fragment now carries it), other query parameters kept.
 */
export function urlWithSpec(href, compactSpec) {
  const url = new URL(href);
  url.searchParams.delete("spec");
  url.hash = "spec=" + encodeBase64Url(compactSpec);
  return url.toString();
}
