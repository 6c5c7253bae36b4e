//! Tick positions and their labels.
//!
//! Linear axes use matplotlib's `MaxNLocator` idea: the smallest "nice" step (1, 2, 2.5,
//! 5 × 10^k) that splits the range into at most `max_bins` intervals. Log axes put
//! ticks at decades (thinned when there are many), add 2..9 when the range is under a
//! decade or two, and fall back to linear ticks when even that gives fewer than two.
//! Labels are minimal: "0", "200", "0.25", "1e6" (only where plain is long).
//!
//! Everything that decides a tick goes through `libm`, so native and wasm builds choose
//! the same ticks to the bit.

/// One tick: its data value and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

/// Step mantissas, as matplotlib's default `AutoLocator`.
const STEPS: [f64; 5] = [1.0, 2.0, 2.5, 5.0, 10.0];

/// Plain labels longer than this (without the sign) switch to scientific form when
/// that is shorter: "1000000" becomes "1e6", "0.00025" becomes "2.5e-4".
const MAX_PLAIN_CHARS: usize = 6;

/// 10^exponent, computed the same way on every target.
pub fn decade(exponent: i32) -> f64 {
    if exponent >= 0 {
        libm::pow(10.0, f64::from(exponent))
    } else {
        // Dividing keeps 0.1, 0.01, ... correctly rounded.
        1.0 / libm::pow(10.0, f64::from(-exponent))
    }
}

/// A nice step: `mantissa × 10^exponent`, with the mantissa from [`STEPS`].
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step {
    mantissa: f64,
    exponent: i32,
}

impl Step {
    fn size(self) -> f64 {
        self.mantissa * decade(self.exponent)
    }

    /// `index × step`, exact where the decimal result is representable.
    fn times(self, index: f64) -> f64 {
        if self.exponent >= 0 {
            index * self.mantissa * decade(self.exponent)
        } else {
            index * self.mantissa / decade(-self.exponent)
        }
    }

    /// Decimal places a label needs to show this step exactly.
    fn decimals(self) -> usize {
        let extra = i32::from(self.mantissa.fract() != 0.0);
        (extra - self.exponent).max(0) as usize
    }
}

/// Nice linear ticks inside `[lo, hi]`, at most `max_bins + 1` of them and at least two
/// whenever the range allows.
pub fn linear(lo: f64, hi: f64, max_bins: usize) -> Vec<Tick> {
    match linear_step(lo, hi, max_bins) {
        Some((step, first, count)) => {
            let values: Vec<f64> = (0..count).map(|i| step.times(first + i as f64)).collect();
            let labels = format_linear(&values, step);
            values
                .into_iter()
                .zip(labels)
                .map(|(value, label)| Tick { value, label })
                .collect()
        }
        None => Vec::new(),
    }
}

/// The step, the index of the first tick (in steps from 0) and the tick count.
fn linear_step(lo: f64, hi: f64, max_bins: usize) -> Option<(Step, f64, usize)> {
    let span = hi - lo;
    if !(lo.is_finite() && hi.is_finite() && span > 0.0) {
        return None;
    }
    let bins = max_bins.max(1) as f64;
    // Halving first keeps the span finite for ranges near ±f64::MAX.
    let raw = (hi * 0.5 - lo * 0.5) / bins * 2.0;
    if !(raw.is_finite() && raw > 0.0) {
        return None;
    }
    let magnitude = libm::floor(libm::log10(raw)) as i32;
    let mut fallback = None;
    for exponent in [magnitude, magnitude + 1] {
        for mantissa in STEPS {
            let step = Step { mantissa, exponent };
            let size = step.size();
            if !(size > 0.0 && size.is_finite()) || size < raw * (1.0 - 1e-9) {
                continue;
            }
            let first = libm::ceil(lo / size - 1e-9);
            let last = libm::floor(hi / size + 1e-9);
            if !(first.is_finite() && last.is_finite()) || last < first {
                continue;
            }
            let count = (last - first) as usize + 1;
            if count >= 2 {
                return Some((step, first, count));
            }
            if fallback.is_none() {
                fallback = Some((step, first, count));
            }
        }
    }
    // No step of at least `raw` puts two ticks in the range (a range that barely
    // straddles a round number): the largest smaller step that does is better than a
    // lone tick.
    for exponent in [magnitude, magnitude - 1] {
        for mantissa in STEPS.iter().rev() {
            let step = Step {
                mantissa: *mantissa,
                exponent,
            };
            let size = step.size();
            if !(size > 0.0 && size < raw) {
                continue;
            }
            let first = libm::ceil(lo / size - 1e-9);
            let last = libm::floor(hi / size + 1e-9);
            if first.is_finite() && last.is_finite() && last >= first + 1.0 {
                return Some((step, first, 2));
            }
        }
    }
    fallback
}

/// Labels for evenly spaced linear ticks: the fewest decimals that show the step,
/// trailing zeros dropped, scientific form where it is clearly shorter.
fn format_linear(values: &[f64], step: Step) -> Vec<String> {
    let decimals = step.decimals();
    let plain: Vec<String> = values.iter().map(|&v| plain(v, decimals)).collect();
    let longest = |labels: &[String]| {
        labels
            .iter()
            .map(|l| l.trim_start_matches('-').len())
            .max()
            .unwrap_or(0)
    };
    let plain_len = longest(&plain);
    if plain_len <= MAX_PLAIN_CHARS {
        return plain;
    }
    let scientific: Vec<String> = values.iter().map(|&v| scientific(v, step)).collect();
    if longest(&scientific) < plain_len {
        scientific
    } else {
        plain
    }
}

/// `value` with `decimals` places, trailing zeros and a bare "-0" removed.
pub fn plain(value: f64, decimals: usize) -> String {
    let mut text = format!("{value:.decimals$}");
    if text.contains('.') {
        let trimmed = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(trimmed);
    }
    if text == "-0" {
        text.remove(0);
    }
    text
}

/// `value` as "2.5e6": the mantissa shows as many digits as the step needs.
fn scientific(value: f64, step: Step) -> String {
    if value == 0.0 {
        return String::from("0");
    }
    let mut exponent = libm::floor(libm::log10(value.abs())) as i32;
    let digits = |exponent: i32| {
        let extra = i32::from(step.mantissa.fract() != 0.0);
        (exponent - step.exponent + extra).max(0) as usize
    };
    let mut mantissa = value / decade(exponent);
    let rounded = plain(mantissa, digits(exponent));
    if rounded.trim_start_matches('-').starts_with("10") {
        exponent += 1;
        mantissa = value / decade(exponent);
    }
    format!("{}e{exponent}", plain(mantissa, digits(exponent)))
}

/// A short label for a number that is not on a tick grid (categories given as numbers,
/// colorbar ends): up to 6 significant digits.
pub fn number(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return String::from("0");
    }
    let exponent = libm::floor(libm::log10(value.abs())) as i32;
    if (-4..6).contains(&exponent) {
        plain(value, (5 - exponent).max(0) as usize)
    } else {
        let mantissa = value / decade(exponent);
        format!("{}e{exponent}", plain(mantissa, 5))
    }
}

/// Ticks for a log axis over `[lo, hi]` (both positive), at most about `max_ticks`.
pub fn log(lo: f64, hi: f64, max_ticks: usize) -> Vec<Tick> {
    if !(lo > 0.0 && hi > lo && hi.is_finite()) {
        return Vec::new();
    }
    let max_ticks = max_ticks.max(2);
    let (log_lo, log_hi) = (libm::log10(lo), libm::log10(hi));
    let first = libm::ceil(log_lo - 1e-9) as i32;
    let last = libm::floor(log_hi + 1e-9) as i32;
    let decades = i64::from(last) - i64::from(first) + 1;
    if decades >= 3 || (decades == 2 && max_ticks < 4) {
        // Every `stride`-th decade, aligned to multiples of the stride as matplotlib.
        let stride = ((decades as usize).div_ceil(max_ticks)).max(1) as i32;
        let ticks: Vec<Tick> = (first..=last)
            .filter(|e| e.rem_euclid(stride) == 0)
            .map(|e| log_tick(1, e))
            .collect();
        if ticks.len() >= 2 {
            return ticks;
        }
        return (first..=last)
            .step_by(stride as usize)
            .map(|e| log_tick(1, e))
            .collect();
    }
    // Under about two decades: add the in-between multiples, as few as readable.
    for multiples in [&[1, 2, 3, 4, 5, 6, 7, 8, 9][..], &[1, 2, 5], &[1, 3], &[1]] {
        let ticks: Vec<Tick> = (first - 1..=last)
            .flat_map(|e| multiples.iter().map(move |&m| (m, e)))
            .map(|(m, e)| log_tick(m, e))
            .filter(|t| t.value >= lo * (1.0 - 1e-9) && t.value <= hi * (1.0 + 1e-9))
            .collect();
        if ticks.len() >= 2 && ticks.len() <= max_ticks {
            return ticks;
        }
    }
    linear(lo, hi, max_ticks.saturating_sub(1).max(1))
}

/// The tick `multiple × 10^exponent`: plain from 0.01 to 1000, else "2e4", "1e-3".
fn log_tick(multiple: u8, exponent: i32) -> Tick {
    let value = if exponent >= 0 {
        f64::from(multiple) * decade(exponent)
    } else {
        f64::from(multiple) / decade(-exponent)
    };
    let label = if (-2..=3).contains(&exponent) {
        plain(value, (-exponent).max(0) as usize)
    } else {
        format!("{multiple}e{exponent}")
    };
    Tick { value, label }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(ticks: &[Tick]) -> Vec<&str> {
        ticks.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn thousands_step_by_two_hundred() {
        let ticks = linear(0.0, 1000.0, 9);
        assert_eq!(labels(&ticks), ["0", "200", "400", "600", "800", "1000"]);
    }

    #[test]
    fn unit_range_has_no_trailing_zeros() {
        let ticks = linear(0.0, 1.0, 9);
        assert_eq!(labels(&ticks), ["0", "0.2", "0.4", "0.6", "0.8", "1"]);
    }

    #[test]
    fn quarter_steps_and_negatives() {
        let ticks = linear(-1.5, 0.5, 8);
        assert_eq!(
            labels(&ticks),
            ["-1.5", "-1.25", "-1", "-0.75", "-0.5", "-0.25", "0", "0.25", "0.5"]
        );
    }

    #[test]
    fn small_values_stay_readable() {
        let ticks = linear(0.001, 0.005, 9);
        assert_eq!(
            labels(&ticks),
            ["0.001", "0.0015", "0.002", "0.0025", "0.003", "0.0035", "0.004", "0.0045", "0.005"]
        );
        let ticks = linear(0.0, 0.001, 5);
        assert_eq!(
            labels(&ticks),
            ["0", "0.0002", "0.0004", "0.0006", "0.0008", "0.001"]
        );
        let ticks = linear(0.0, 0.001, 4);
        assert_eq!(labels(&ticks), ["0", "2.5e-4", "5e-4", "7.5e-4", "1e-3"]);
    }

    #[test]
    fn millions_go_scientific() {
        let ticks = linear(0.0, 5e6, 5);
        assert_eq!(labels(&ticks), ["0", "1e6", "2e6", "3e6", "4e6", "5e6"]);
        let ticks = linear(0.0, 100_000.0, 5);
        assert_eq!(labels(&ticks)[1], "20000");
    }

    #[test]
    fn tick_counts_stay_between_two_and_bins_plus_one() {
        for (lo, hi) in [
            (0.0, 1.0),
            (-3.7, 12.2),
            (1e-9, 3e-9),
            (5.0, 5.1),
            (-1e300, 1e300),
        ] {
            for bins in 1..=9 {
                let ticks = linear(lo, hi, bins);
                assert!(
                    (2..=bins + 1).contains(&ticks.len()) || bins == 1 && ticks.len() <= 2,
                    "{lo}..{hi} with {bins} bins gave {}",
                    ticks.len()
                );
                let slack = (hi - lo) * 1e-9;
                assert!(ticks
                    .iter()
                    .all(|t| t.value >= lo - slack && t.value <= hi + slack));
            }
        }
    }

    #[test]
    fn one_bin_still_gives_two_ticks() {
        let ticks = linear(-0.5, 5250.0, 1);
        assert_eq!(labels(&ticks), ["0", "5000"]);
    }

    #[test]
    fn log_decades() {
        let ticks = log(0.5, 5000.0, 9);
        assert_eq!(labels(&ticks), ["1", "10", "100", "1000"]);
        let ticks = log(1e-4, 2e5, 12);
        assert_eq!(
            labels(&ticks),
            ["1e-4", "1e-3", "0.01", "0.1", "1", "10", "100", "1000", "1e4", "1e5"]
        );
        let ticks = log(1.0, 1e12, 5);
        assert_eq!(labels(&ticks), ["1", "1000", "1e6", "1e9", "1e12"]);
    }

    #[test]
    fn log_under_a_decade_adds_multiples() {
        let ticks = log(1.5, 9.5, 9);
        assert_eq!(labels(&ticks), ["2", "3", "4", "5", "6", "7", "8", "9"]);
        let ticks = log(15.0, 60.0, 3);
        assert_eq!(labels(&ticks), ["20", "50"]);
    }

    #[test]
    fn log_narrow_range_falls_back_to_linear() {
        let ticks = log(2.1, 2.9, 6);
        assert!(ticks.len() >= 2, "{ticks:?}");
        assert_eq!(ticks[0].label, "2.2");
    }

    #[test]
    fn number_labels_are_short() {
        assert_eq!(number(2020.0), "2020");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(1.0 / 3.0), "0.333333");
        assert_eq!(number(3e9), "3e9");
        assert_eq!(number(-0.0), "0");
    }
}
