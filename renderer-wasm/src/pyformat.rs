//! The number formats a spec may write (`bar_label.fmt`, pie `autopct`): Python's
//! format mini-language for one number, with literal text around it, as matplotlib
//! applies them with `fmt.format(value)`.
//!
//! Supported: `{}`/`{:g}`, `{:.Ng}`, `{:.Nf}`, `{:,.Nf}`, `{:,}`, `{:.N%}`, `{:.Ne}`, and
//! `{{`/`}}` for literal braces. Anything else is refused at validation with a reason,
//! never rendered as something else.

/// A parsed format: literal text, one number, literal text.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberFormat {
    prefix: String,
    suffix: String,
    kind: Kind,
    precision: Option<usize>,
    thousands: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    General,
    Fixed,
    Percent,
    Exponent,
}

/// Most decimals a format may ask for; more would only print noise.
const MAX_PRECISION: usize = 20;

impl NumberFormat {
    /// Parses `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut prefix = String::new();
        let mut suffix = String::new();
        let mut field: Option<String> = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let out = if field.is_some() {
                &mut suffix
            } else {
                &mut prefix
            };
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    out.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    out.push('}');
                }
                '{' => {
                    if field.is_some() {
                        return Err("a format holds one `{...}` field".into());
                    }
                    let mut inner = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(ch) => inner.push(ch),
                            None => return Err("a `{` is not closed".into()),
                        }
                    }
                    field = Some(inner);
                }
                '}' => return Err("a `}` without its `{` (write `}}` for a brace)".into()),
                _ => out.push(c),
            }
        }
        let Some(field) = field else {
            return Err("the format has no `{}` field for the number".into());
        };
        let spec = match field.strip_prefix(':') {
            Some(spec) => spec,
            None if field.is_empty() => "",
            None => {
                return Err(format!(
                    "`{{{field}}}`: only `{{}}` or `{{:spec}}` name the value"
                ))
            }
        };
        let (thousands, rest) = match spec.strip_prefix(',') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let (precision, kind_char) = match rest.strip_prefix('.') {
            Some(rest) => {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let precision: usize = digits
                    .parse()
                    .map_err(|_| format!("`{spec}`: a `.` needs a number of digits"))?;
                if precision > MAX_PRECISION {
                    return Err(format!("`{spec}`: at most {MAX_PRECISION} digits"));
                }
                (Some(precision), &rest[digits.len()..])
            }
            None => (None, rest),
        };
        let kind = match kind_char {
            "" | "g" => Kind::General,
            "f" => Kind::Fixed,
            "%" => Kind::Percent,
            "e" => Kind::Exponent,
            other => {
                return Err(format!(
                    "`{spec}`: `{other}` is not supported; use g, f, %, or e (e.g. `{{:.1f}}`)"
                ))
            }
        };
        Ok(NumberFormat {
            prefix,
            suffix,
            kind,
            precision,
            thousands,
        })
    }

    /// `value` formatted as Python would.
    pub fn format(&self, value: f64) -> String {
        let number = match self.kind {
            Kind::General => match self.precision {
                // `{}` and `{:g}` differ in Python only for integers-valued floats
                // (`{}` gives `3.0`); matplotlib's labels are `{:g}`-like.
                None => crate::layout::ticker::python_g(value, 6),
                Some(p) => crate::layout::ticker::python_g(value, p.max(1)),
            },
            Kind::Fixed => fixed(value, self.precision.unwrap_or(6)),
            Kind::Percent => format!("{}%", fixed(value * 100.0, self.precision.unwrap_or(6))),
            Kind::Exponent => exponent(value, self.precision.unwrap_or(6)),
        };
        let number = if self.thousands {
            group_thousands(&number)
        } else {
            number
        };
        format!("{}{number}{}", self.prefix, self.suffix)
    }
}

fn fixed(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return non_finite(value);
    }
    format!("{value:.decimals$}")
}

/// Python's `{:.Ne}`: at least two exponent digits, with a sign.
fn exponent(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return non_finite(value);
    }
    let text = format!("{value:.decimals$e}");
    match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

fn non_finite(value: f64) -> String {
    if value.is_nan() {
        "nan".into()
    } else if value > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
    }
}

/// `1234567.5` → `1,234,567.5`: commas in the integer digits only.
fn group_thousands(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, tail) = rest.split_at(end);
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    format!("{sign}{grouped}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(spec: &str, value: f64) -> String {
        match NumberFormat::parse(spec) {
            Ok(f) => f.format(value),
            Err(e) => panic!("{spec}: {e}"),
        }
    }

    /// Expected strings are Python 3.11's `spec.format(value)`.
    #[test]
    fn formats_as_python_does() {
        assert_eq!(fmt("{:g}", 12.0), "12");
        assert_eq!(fmt("{:g}", 0.000012345), "1.2345e-05");
        assert_eq!(fmt("{}", 2.5), "2.5");
        assert_eq!(fmt("{:.1f}", 2.25), "2.2");
        assert_eq!(fmt("{:.1f}", -0.04), "-0.0");
        assert_eq!(fmt("{:,.0f}", 1234567.0), "1,234,567");
        assert_eq!(fmt("{:,.2f}", -1234.5), "-1,234.50");
        assert_eq!(fmt("{:.0%}", 0.256), "26%");
        assert_eq!(fmt("{:.1f}%", 25.64), "25.6%");
        assert_eq!(fmt("${:,.0f}k", 12500.0), "$12,500k");
        assert_eq!(fmt("{:.2e}", 12345.0), "1.23e+04");
        assert_eq!(fmt("{{{:g}}}", 3.0), "{3}");
        assert_eq!(fmt("{:.3g}", 1234.5), "1.23e+03");
    }

    #[test]
    fn refuses_what_it_cannot_do() {
        for bad in [
            "", "no field", "{", "}", "{:x}", "{:.f}", "{0}", "{:.99f}", "{:g}{:g}", "{:>8}",
        ] {
            assert!(NumberFormat::parse(bad).is_err(), "{bad}");
        }
    }
}
