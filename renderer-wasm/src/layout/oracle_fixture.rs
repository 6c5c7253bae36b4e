//! Reading the matplotlib fixtures in `tests/oracle/` exactly (tests only).

use serde_json::Value;

/// serde_json (built without `float_roundtrip`) may read a literal one ulp off, which
/// moves view limits and expected ticks; numbers are turned into strings and read with
/// Rust's correctly rounded parser instead (see [`num`]).
pub fn quote_numbers(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut chars = json.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        out.push(c);
        if in_string {
            if c == '\\' {
                out.extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '-' || c.is_ascii_digit() {
            out.pop();
            out.push('"');
            out.push(c);
            while let Some(&n) = chars
                .peek()
                .filter(|n| n.is_ascii_digit() || "+-.eE".contains(**n))
            {
                out.push(n);
                chars.next();
            }
            out.push('"');
        }
    }
    out
}

/// A number quoted by [`quote_numbers`].
pub fn num(v: &Value) -> Option<f64> {
    v.as_str()?.parse().ok()
}
