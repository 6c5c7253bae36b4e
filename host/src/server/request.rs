//! What a render request asks for, read from its query string and headers: the spec
//! (for GET), the output format (SVG, PNG or PDF) and the PNG scale.
//!
//! A bad `format` or `scale` is the client's error about its spec's rendering, so it is
//! an `invalid_spec` (400) whose message names the query parameter; it has no `path`,
//! because `path` points into the spec document and the parameter is not in it.

use renderer_wasm::error::short_number;
use renderer_wasm::{ErrorKind, Format};

use crate::RenderFailure;

/// Smallest and largest PNG scale (device pixel ratio), as docs/spec.md says.
const SCALE_RANGE: std::ops::RangeInclusive<f64> = 1.0..=4.0;

/// The parameters of `/render` found in the query string.
#[derive(Debug, Default, PartialEq)]
pub struct RenderQuery {
    pub spec: Option<String>,
    pub format: Option<String>,
    pub scale: Option<String>,
}

impl RenderQuery {
    /// Reads the query string (without `?`) as `application/x-www-form-urlencoded`,
    /// the way browsers write it (`URLSearchParams`, forms): `+` is a space, `%XX` a
    /// byte, a malformed escape itself, and bytes that are not UTF-8 become U+FFFD,
    /// as `URLSearchParams` reads them. The first of repeated parameters wins and
    /// unknown ones (cache busters and the like) are ignored.
    pub fn parse(query: &str) -> Self {
        let mut parsed = RenderQuery::default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "spec" => &mut parsed.spec,
                "format" => &mut parsed.format,
                "scale" => &mut parsed.scale,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.into_owned());
            }
        }
        parsed
    }

    /// The output format: `format=` if given, else the `Accept` header's preference,
    /// else PNG (what an `<img src>` wants).
    pub fn output_format(&self, accept: Option<&str>) -> Result<Format, RenderFailure> {
        let scale = match self.scale.as_deref() {
            None => 1.0,
            Some(text) => parse_scale(text)?,
        };
        let kind = match self.format.as_deref() {
            Some(name) if name.eq_ignore_ascii_case("svg") => Kind::Svg,
            Some(name) if name.eq_ignore_ascii_case("png") => Kind::Png,
            Some(name) if name.eq_ignore_ascii_case("pdf") => Kind::Pdf,
            Some(other) => {
                return Err(RenderFailure::new(
                    ErrorKind::InvalidSpec,
                    format!(
                        "query parameter `format` must be `svg`, `png` or `pdf`, got {}",
                        echo(other)
                    ),
                ))
            }
            None => accept.map_or(Kind::Png, preferred),
        };
        Ok(match kind {
            Kind::Svg => Format::Svg,
            Kind::Png => Format::Png { scale },
            Kind::Pdf => Format::Pdf,
        })
    }
}

/// An output format before its scale is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Svg,
    Png,
    Pdf,
}

/// The format an `Accept` header ranks highest. PDF must rank strictly above both
/// pictures, so that headers which name no PDF (`*/*`, a browser's image `Accept`)
/// choose as they did before PDF existed.
fn preferred(accept: &str) -> Kind {
    let pdf = quality(accept, "application", "pdf");
    let picture = quality(accept, "image", "png").max(quality(accept, "image", "svg+xml"));
    if pdf > picture {
        Kind::Pdf
    } else if prefers_svg(accept) {
        Kind::Svg
    } else {
        Kind::Png
    }
}

fn parse_scale(text: &str) -> Result<f64, RenderFailure> {
    match text.trim().parse::<f64>() {
        Ok(scale) if SCALE_RANGE.contains(&scale) => Ok(scale),
        _ => Err(RenderFailure::new(
            ErrorKind::InvalidSpec,
            format!(
                "query parameter `scale` must be a number from {} to {}, got {}",
                SCALE_RANGE.start(),
                SCALE_RANGE.end(),
                echo(text)
            ),
        )),
    }
}

/// A query value as an error message quotes it: a number in its short form (`1e308`,
/// not its digits), anything else cut to 16 characters (too few for a run of digits to
/// pass for a number), since the value can be as long as the URL.
fn echo(text: &str) -> String {
    const LONGEST: usize = 16;
    match text.trim().parse::<f64>() {
        Ok(number) if text.trim().len() > LONGEST || number.abs() >= 1e15 => {
            format!("{:?}", short_number(number))
        }
        _ if text.chars().count() > LONGEST => {
            let start: String = text.chars().take(LONGEST).collect();
            format!("{start:?}... ({} bytes)", text.len())
        }
        _ => format!("{text:?}"),
    }
}

/// Whether an `Accept` header ranks `image/svg+xml` above `image/png` (RFC 9110
/// §12.5.1 quality values; the most specific matching range sets each type's quality).
pub fn prefers_svg(accept: &str) -> bool {
    quality(accept, "image", "svg+xml") > quality(accept, "image", "png")
}

fn quality(accept: &str, kind: &str, subtype: &str) -> f32 {
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim();
        let (range_kind, range_subtype) = media.split_once('/').unwrap_or((media, ""));
        let specificity = if range_kind.eq_ignore_ascii_case(kind)
            && range_subtype.eq_ignore_ascii_case(subtype)
        {
            2
        } else if range_kind.eq_ignore_ascii_case(kind) && range_subtype == "*" {
            1
        } else if media == "*/*" {
            0
        } else {
            continue;
        };
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Decodes the `%XX` escapes of a URL path segment, where `+` is itself.
pub fn percent_decode_path(text: &str) -> Vec<u8> {
    decode_escapes(text, false)
}

/// Escapes everything but RFC 3986's unreserved characters, as JavaScript's
/// `encodeURIComponent` does bar a few: safe as one path segment.
pub fn percent_encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode_escapes(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            if let (Some(high), Some(low)) =
                (hex_value(bytes.get(i + 1)), hex_value(bytes.get(i + 2)))
            {
                out.push(high << 4 | low);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && byte == b'+' {
            b' '
        } else {
            byte
        });
        i += 1;
    }
    out
}

fn hex_value(digit: Option<&u8>) -> Option<u8> {
    char::from(*digit?)
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_round_trip_and_keep_plus() {
        for name in ["wqy-microhei.ttc", "a b+c/../%.TTF", "\u{5b8b}\u{4f53}.otf"] {
            let encoded = percent_encode_segment(name);
            assert!(
                !encoded.contains(['/', ' ', '+']),
                "{name} -> {encoded} is one segment"
            );
            assert_eq!(percent_decode_path(&encoded), name.as_bytes());
        }
        assert_eq!(percent_decode_path("a+b%20c"), b"a+b c");
    }

    #[test]
    fn query_values_decode_escapes_plus_and_malformed_input() {
        let spec = |query: &str| RenderQuery::parse(query).spec;
        assert_eq!(
            spec("spec=%7B%22a%22%3A1%7D").as_deref(),
            Some(r#"{"a":1}"#)
        );
        assert_eq!(spec("spec=a+b%2Bc").as_deref(), Some("a b+c"));
        assert_eq!(spec("spec=100%").as_deref(), Some("100%"));
        assert_eq!(spec("spec=%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(spec("spec=%C3%A9").as_deref(), Some("\u{e9}"));
        // Not UTF-8: replaced, as URLSearchParams does (the spec is JSON, so UTF-8).
        assert_eq!(spec("spec=a%FFb").as_deref(), Some("a\u{fffd}b"));
        // Names are decoded too.
        assert_eq!(spec("sp%65c=1").as_deref(), Some("1"));
        assert_eq!(spec("format=svg"), None);
    }

    #[test]
    fn query_takes_the_first_of_repeated_parameters_and_ignores_unknown_ones() {
        let q = RenderQuery::parse("v=3&format=svg&spec=%7B%7D&format=png&scale=2&");
        assert_eq!(q.spec.as_deref(), Some("{}"));
        assert_eq!(q.format.as_deref(), Some("svg"));
        assert_eq!(q.scale.as_deref(), Some("2"));
    }

    #[test]
    fn format_comes_from_the_query_then_accept_then_defaults_to_png() {
        let q = |s: &str| RenderQuery::parse(s);
        assert_eq!(
            q("format=svg").output_format(Some("image/png")),
            Ok(Format::Svg)
        );
        assert_eq!(
            q("scale=2").output_format(None),
            Ok(Format::Png { scale: 2.0 })
        );
        assert_eq!(q("").output_format(Some("image/svg+xml")), Ok(Format::Svg));
        assert_eq!(
            q("").output_format(Some("image/svg+xml;q=0.5, image/png")),
            Ok(Format::Png { scale: 1.0 })
        );
        assert_eq!(
            q("").output_format(Some("text/html,image/*;q=0.8,*/*;q=0.5")),
            Ok(Format::Png { scale: 1.0 })
        );
        assert_eq!(
            q("").output_format(Some("image/svg+xml, image/*;q=0.1")),
            Ok(Format::Svg)
        );
    }

    #[test]
    fn pdf_comes_from_the_query_or_an_accept_that_ranks_it_first() {
        let q = |s: &str| RenderQuery::parse(s);
        assert_eq!(q("format=pdf").output_format(None), Ok(Format::Pdf));
        assert_eq!(
            q("format=PDF&scale=3").output_format(Some("image/png")),
            Ok(Format::Pdf)
        );
        assert_eq!(
            q("").output_format(Some("application/pdf")),
            Ok(Format::Pdf)
        );
        assert_eq!(
            q("").output_format(Some("image/png;q=0.5, application/*")),
            Ok(Format::Pdf)
        );
        // A tie keeps the picture formats' old choice.
        assert_eq!(
            q("").output_format(Some("image/svg+xml, application/pdf")),
            Ok(Format::Svg)
        );
        assert_eq!(
            q("").output_format(Some("*/*")),
            Ok(Format::Png { scale: 1.0 })
        );
        assert_eq!(
            q("").output_format(Some(
                "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            )),
            Ok(Format::Png { scale: 1.0 })
        );
    }

    #[test]
    fn bad_query_values_are_quoted_short() {
        let message = |query: &str| {
            RenderQuery::parse(query)
                .output_format(None)
                .err()
                .map(|e| e.message().to_owned())
                .unwrap_or_default()
        };
        let m = message("scale=18446744073709551615");
        assert!(m.ends_with("got \"1.8446744073709552e19\""), "{m}");
        let m = message(&format!("scale={}", "9".repeat(100_000)));
        assert!(m.ends_with("got \"inf\""), "{m}");
        let m = message(&format!("format={}", "x".repeat(100_000)));
        assert!(m.len() < 200 && m.ends_with("(100000 bytes)"), "{m}");
        assert!(message("scale=abc").ends_with("got \"abc\""));
        assert!(message("scale=0").ends_with("got \"0\""));
    }

    #[test]
    fn bad_format_or_scale_is_invalid_spec_naming_the_parameter() {
        for query in [
            "format=gif",
            "scale=0.5",
            "scale=5",
            "scale=abc",
            "scale=NaN",
        ] {
            let err = RenderQuery::parse(query).output_format(None);
            let err = err.err().map(|e| {
                (
                    e.kind(),
                    e.path().map(str::to_owned),
                    e.message().to_owned(),
                )
            });
            let Some((kind, path, message)) = err else {
                panic!("{query} was accepted");
            };
            assert_eq!(kind, ErrorKind::InvalidSpec, "{query}");
            assert_eq!(path, None);
            let name = query.split('=').next().unwrap_or_default();
            assert!(message.contains(&format!("`{name}`")), "{message}");
        }
    }
}
