//! matplotlib 3.10.7's tick locators and formatters, reproduced exactly: the same tick
//! locations and the same label strings that matplotlib draws with its default style
//! (`axes.formatter.limits` (-5, 6), `useoffset` True, `offset_threshold` 4,
//! `use_mathtext` False, `unicode_minus` True, `axes.autolimit_mode` 'data').
//!
//! What mirrors what in `matplotlib/ticker.py` (and friends):
//! - [`tick_space`]: `XAxis.get_tick_space` / `YAxis.get_tick_space` (`axis.py`).
//! - [`linear`]: `AutoLocator`, i.e. `MaxNLocator.tick_values` with
//!   `transforms.nonsingular`, `scale_range`, `MaxNLocator._raw_ticks` and
//!   `_Edge_integer`; labelled by `ScalarFormatter` (`set_locs` with `_compute_offset`,
//!   `_set_order_of_magnitude`, `_set_format`; `__call__`; `get_offset` with
//!   `format_data`); only the ticks `Axis._update_ticks` would draw
//!   (`transforms._interval_contains_close`).
//! - [`integer_positions`]: the same locator built as `MaxNLocator(integer=True)`.
//! - [`log`]: `LogLocator.tick_values` for the majors and for the minors
//!   (`subs='auto'`, including its switch to a fresh `AutoLocator`),
//!   `Axis.get_minorticklocs` dropping minors that coincide with majors, and
//!   `LogFormatterSciNotation` (`LogFormatter.set_locs`, `LogFormatterMathtext.__call__`,
//!   `LogFormatterSciNotation._non_decade_format`), with the mathtext
//!   `$\mathdefault{2\times10^{-3}}$` turned into a [`Label`] with a superscript.
//! - [`fixed`], [`fixed_with_tick_space`]: `FixedLocator`, as after
//!   `ax.set_xticks(values)`, with the scale's formatters.
//! - [`number`]: Python's `'%g'` with `Formatter.fix_minus`.
//!
//! Floating point follows what matplotlib's arithmetic does under CPython and NumPy on
//! glibc, bit for bit, using only IEEE arithmetic and `libm`'s exact functions (floor,
//! ceil, rint, fmod, copysign), so native and wasm32 agree. The transcendental
//! functions are the exception, because `libm`'s fdlibm `log`, `log10` and `pow` differ
//! from glibc's in the last bit on arguments that decide ticks (with `libm::log`,
//! `log(0.01) / log(10)` is `-2.0`; CPython gives `-1.9999999999999996`, whose ceiling
//! moves `LogLocator`'s decades; `libm::pow(10.0, -303.0)` is not `1e-303`). See
//! [`py`] for how each one is matched.

/// A tick label as drawn: `text`, then optionally a raised, smaller `superscript` (the
/// exponent in `10^3`, `2×10^3`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Label {
    pub text: String,
    pub superscript: Option<String>,
}

impl Label {
    pub fn plain(text: impl Into<String>) -> Self {
        Label {
            text: text.into(),
            superscript: None,
        }
    }

    /// The string form used for accessibility and tests: "10^3", "2×10^−3", "−1.00".
    pub fn aria(&self) -> String {
        match &self.superscript {
            Some(sup) => format!("{}^{}", self.text, sup),
            None => self.text.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.superscript.as_deref().is_none_or(str::is_empty)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: Label,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AxisTicks {
    /// Major ticks inside the view [lo, hi] (matplotlib's relative slack), labeled.
    pub major: Vec<Tick>,
    /// Minor ticks inside the view; label empty unless matplotlib labels them (log axes
    /// over a short range).
    pub minor: Vec<Tick>,
    /// The offset / scientific-notation text matplotlib draws at the axis end ("1e6",
    /// "+1.234e3", "1e−5"); "" when none. Exactly matplotlib's string (with U+2212).
    pub offset: String,
}

/// matplotlib's `Axis.get_tick_space`: floor(length_pt / (label_size_pt * 3)) for x,
/// `* 2` for y.
pub fn tick_space(length_px: f64, dpi: f64, label_size_pt: f64, horizontal: bool) -> usize {
    let length = length_px / dpi * 72.0;
    let size = label_size_pt * if horizontal { 3.0 } else { 2.0 };
    if size.is_nan() || size <= 0.0 {
        // matplotlib's answer for labels of no size: "as many as you like".
        return (1usize << 31) - 1;
    }
    // The saturating cast maps NaN and negatives to 0, which every caller clips up to
    // its minimum exactly as matplotlib clips its negative counts.
    libm::floor(length / size) as usize
}

/// AutoLocator (MaxNLocator nbins='auto', steps [1, 2, 2.5, 5, 10], min_n_ticks 2;
/// nbins = clip(tick_space, 1, 9)) + ScalarFormatter (useOffset, offset_threshold 4,
/// powerlimits (-5, 6), unicode minus, no mathtext).
///
/// `lo > hi` (an inverted axis) gives the same ticks as `hi, lo`, as in matplotlib.
/// Non-finite limits, `lo == hi` and spans that overflow give no ticks.
pub fn linear(lo: f64, hi: f64, tick_space: usize) -> AxisTicks {
    let Some((lo, hi)) = view(lo, hi) else {
        return AxisTicks::default();
    };
    let Some(locs) = max_n_locator(lo, hi, tick_space.clamp(1, 9), false) else {
        return AxisTicks::default();
    };
    scalar_ticks(&locs, lo, hi)
}

/// The same locator with integer=True (`MaxNLocator(nbins='auto', steps=[1, 2, 2.5, 5,
/// 10], integer=True)`): tick positions only, inside the view. For heatmap cells and
/// category slots.
pub fn integer_positions(lo: f64, hi: f64, tick_space: usize) -> Vec<f64> {
    let Some((lo, hi)) = view(lo, hi) else {
        return Vec::new();
    };
    max_n_locator(lo, hi, tick_space.clamp(1, 9), true)
        .unwrap_or_default()
        .into_iter()
        .filter(|&v| contains_close(lo, hi, v))
        .collect()
}

/// LogLocator (base 10, numticks 'auto' = clip(tick_space, 2, 9)) major ticks with
/// LogFormatterSciNotation labels, plus the default minor LogLocator(subs='auto') ticks
/// with the minor LogFormatterSciNotation(labelOnlyBase=False, minor_thresholds=(1,
/// 0.4)) labels, as a log axis in matplotlib 3.10.7 shows them.
///
/// Views that are not strictly positive give no ticks (matplotlib would fall back on
/// the smallest positive data value, which is not known here).
pub fn log(lo: f64, hi: f64, tick_space: usize) -> AxisTicks {
    let Some((lo, hi)) = log_view(lo, hi) else {
        return AxisTicks::default();
    };
    let numticks = tick_space.clamp(2, 9);
    let Some(major) = log_locator(lo, hi, numticks, false) else {
        return AxisTicks::default();
    };
    log_ticks(&major, lo, hi, numticks)
}

/// Explicit tick values (FixedLocator) labeled by the formatter of the scale:
/// ScalarFormatter for linear (so offsets and decimals apply to user ticks as in
/// matplotlib's `ax.set_xticks(values)`), LogFormatterSciNotation for log. Only values
/// inside the view are returned, but the formatter sees all of them as matplotlib's
/// does. Non-finite values are dropped first (matplotlib would fail on them).
///
/// On a log scale the default minor ticks stay, as in matplotlib; how many decades
/// they may span depends on the axis length, taken here as long (tick space 9 or
/// more). [`fixed_with_tick_space`] takes the real one.
pub fn fixed(values: &[f64], lo: f64, hi: f64, log_scale: bool) -> AxisTicks {
    fixed_with_tick_space(values, lo, hi, log_scale, 9)
}

/// [`fixed`] on an axis of the given [`tick_space`], which only matters for the minor
/// ticks of a log scale (`LogLocator(subs='auto')` with numticks 'auto').
pub fn fixed_with_tick_space(
    values: &[f64],
    lo: f64,
    hi: f64,
    log_scale: bool,
    tick_space: usize,
) -> AxisTicks {
    let values: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if log_scale {
        match log_view(lo, hi) {
            Some((lo, hi)) => log_ticks(&values, lo, hi, tick_space.clamp(2, 9)),
            None => AxisTicks::default(),
        }
    } else {
        match view(lo, hi) {
            Some((lo, hi)) => scalar_ticks(&values, lo, hi),
            None => AxisTicks::default(),
        }
    }
}

/// A short label for a lone number (colorbar ends, numeric category names): Python's
/// `'%g' % value`, with U+2212 for minus.
pub fn number(value: f64) -> String {
    fix_minus(&py::format_g(value, 6))
}

/// Python's `'%.{precision}g' % value` (ASCII minus), for formats users write.
pub fn python_g(value: f64, precision: usize) -> String {
    py::format_g(value, precision)
}

/// Sorted, usable view limits.
fn view(lo: f64, hi: f64) -> Option<(f64, f64)> {
    if !lo.is_finite() || !hi.is_finite() || lo == hi {
        return None;
    }
    Some(if lo < hi { (lo, hi) } else { (hi, lo) })
}

fn log_view(lo: f64, hi: f64) -> Option<(f64, f64)> {
    view(lo, hi).filter(|&(lo, _)| lo > 0.0)
}

fn fix_minus(s: &str) -> String {
    s.replace('-', "\u{2212}")
}

/// `transforms._interval_contains_close` with its default rtol, as
/// `Axis._update_ticks` uses it to pick the ticks to draw. A tick that overflowed to
/// infinity next to a view ending near f64::MAX is not drawable, even where the slack
/// overflows too.
fn contains_close(a: f64, b: f64, value: f64) -> bool {
    let (a, b) = if a > b { (b, a) } else { (a, b) };
    let rtol = (b - a) * 1e-10;
    value.is_finite() && a - rtol <= value && value <= b + rtol
}

/// Labels the ticks of a linear axis; `locs` are all the locator's ticks, `lo < hi`.
fn scalar_ticks(locs: &[f64], lo: f64, hi: f64) -> AxisTicks {
    let Some(formatter) = ScalarFormatter::new(locs, lo, hi) else {
        return AxisTicks::default();
    };
    AxisTicks {
        major: locs
            .iter()
            .filter(|&&v| contains_close(lo, hi, v))
            .map(|&value| Tick {
                value,
                label: Label::plain(formatter.label(value)),
            })
            .collect(),
        minor: Vec::new(),
        offset: formatter.offset_text(),
    }
}

// ---------------------------------------------------------------------------------
// MaxNLocator

/// `transforms.nonsingular(vmin, vmax, expander, tiny, increasing=True)` for finite
/// limits.
fn nonsingular(vmin: f64, vmax: f64, expander: f64, tiny: f64) -> (f64, f64) {
    if !vmin.is_finite() || !vmax.is_finite() {
        return (-expander, expander);
    }
    let (mut vmin, mut vmax) = if vmax < vmin {
        (vmax, vmin)
    } else {
        (vmin, vmax)
    };
    let maxabsvalue = py::max(vmin.abs(), vmax.abs());
    if maxabsvalue < (1e6 / tiny) * f64::MIN_POSITIVE {
        vmin = -expander;
        vmax = expander;
    } else if vmax - vmin <= maxabsvalue * tiny {
        if vmax == 0.0 && vmin == 0.0 {
            vmin = -expander;
            vmax = expander;
        } else {
            vmin -= expander * vmin.abs();
            vmax += expander * vmax.abs();
        }
    }
    (vmin, vmax)
}

/// `ticker.scale_range(vmin, vmax, n)`: (scale, offset), or None where matplotlib's
/// arithmetic would run into inf/NaN.
fn scale_range(vmin: f64, vmax: f64, n: f64) -> Option<(f64, f64)> {
    let dv = (vmax - vmin).abs();
    let meanv = (vmax + vmin) / 2.0;
    if !(dv.is_finite() && dv > 0.0 && meanv.is_finite()) {
        return None;
    }
    let offset = if meanv.abs() / dv < 100.0 {
        0.0
    } else {
        let exponent = py::floordiv(py::log10(meanv.abs()), 1.0);
        libm::copysign(py::pow10(exponent), meanv)
    };
    let scale = py::pow10(py::floordiv(py::log10(dv / n), 1.0));
    (scale.is_finite() && scale > 0.0 && offset.is_finite()).then_some((scale, offset))
}

/// `_Edge_integer`: multiples of `step`, with the slop allowed for a large `offset`.
struct Edge {
    step: f64,
    offset: f64,
}

impl Edge {
    fn closeto(&self, ms: f64, edge: f64) -> bool {
        let tol = if self.offset > 0.0 {
            let digits = py::log10(self.offset / self.step);
            py::min(0.4999, py::max(1e-10, libm::pow(10.0, digits - 12.0)))
        } else {
            1e-10
        };
        (ms - edge).abs() < tol
    }

    /// The largest n with n * step <= x.
    fn le(&self, x: f64) -> f64 {
        let (d, m) = py::divmod(x, self.step);
        if self.closeto(m / self.step, 1.0) {
            d + 1.0
        } else {
            d
        }
    }

    /// The smallest n with n * step >= x.
    fn ge(&self, x: f64) -> f64 {
        let (d, m) = py::divmod(x, self.step);
        if self.closeto(m / self.step, 0.0) {
            d
        } else {
            d + 1.0
        }
    }
}

/// More ticks than any sane locator run yields (matplotlib's MAXTICKS is 1000, and it
/// only warns); beyond it the arithmetic has broken down and no ticks are returned.
const MAX_TICKS: f64 = 10_000.0;

/// `MaxNLocator(nbins, steps=[1, 2, 2.5, 5, 10], integer).tick_values(lo, hi)`: all the
/// locator's ticks, including those just outside the view.
fn max_n_locator(lo: f64, hi: f64, nbins: usize, integer: bool) -> Option<Vec<f64>> {
    const MIN_N_TICKS: usize = 2;
    let (vmin, vmax) = nonsingular(lo, hi, 1e-13, 1e-14);
    let nbins_f = nbins as f64;
    let (scale, offset) = scale_range(vmin, vmax, nbins_f)?;
    let vmin = vmin - offset;
    let vmax = vmax - offset;

    // `MaxNLocator._staircase` of the validated steps [1, 2, 2.5, 5, 10].
    let base = [1.0, 2.0, 2.5, 5.0, 10.0];
    let staircase = base[..4]
        .iter()
        .map(|s| 0.1 * s)
        .chain(base)
        .chain([10.0 * base[1]]);
    let steps: Vec<f64> = staircase
        .map(|s| s * scale)
        .filter(|&s| !integer || s < 1.0 || (s - libm::rint(s)).abs() < 0.001)
        .collect();
    let raw_step = (vmax - vmin) / nbins_f;
    let istep = steps
        .iter()
        .position(|&s| s >= raw_step)
        .unwrap_or(steps.len().checked_sub(1)?);

    let mut ticks = Vec::new();
    for &candidate in steps[..=istep].iter().rev() {
        let step = if integer && libm::floor(vmax) - libm::ceil(vmin) >= (MIN_N_TICKS - 1) as f64 {
            py::max(1.0, candidate)
        } else {
            candidate
        };
        let best_vmin = py::floordiv(vmin, step) * step;
        let edge = Edge {
            step,
            offset: offset.abs(),
        };
        let low = edge.le(vmin - best_vmin);
        let high = edge.ge(vmax - best_vmin);
        let count = high + 1.0 - low;
        if count.is_nan() || count > MAX_TICKS || !low.is_finite() {
            return None;
        }
        // `np.arange(low, high + 1)`: NumPy fills start + i * (second - start).
        let delta = (low + 1.0) - low;
        ticks.clear();
        for i in 0..libm::ceil(count).max(0.0) as usize {
            let k = if i == 1 {
                low + 1.0
            } else {
                low + i as f64 * delta
            };
            ticks.push(k * step + best_vmin);
        }
        let shown = ticks.iter().filter(|&&t| t <= vmax && t >= vmin).count();
        if shown >= MIN_N_TICKS {
            break;
        }
    }
    Some(ticks.into_iter().map(|t| t + offset).collect())
}

// ---------------------------------------------------------------------------------
// ScalarFormatter

/// `ScalarFormatter` after `set_locs`.
struct ScalarFormatter {
    offset: f64,
    order_of_magnitude: i32,
    decimals: usize,
}

impl ScalarFormatter {
    /// `set_locs(locs)` on an axis whose view is `lo < hi`. None when matplotlib would
    /// raise (ranges that overflow).
    fn new(locs: &[f64], lo: f64, hi: f64) -> Option<Self> {
        if locs.is_empty() {
            return Some(ScalarFormatter {
                offset: 0.0,
                order_of_magnitude: 0,
                decimals: 0,
            });
        }
        let visible: Vec<f64> = locs
            .iter()
            .copied()
            .filter(|&l| lo <= l && l <= hi)
            .collect();
        let offset = compute_offset(&visible)?;
        let order_of_magnitude = order_of_magnitude(&visible, offset, lo, hi)?;
        let decimals = decimals(locs, offset, order_of_magnitude, lo, hi)?;
        Some(ScalarFormatter {
            offset,
            order_of_magnitude,
            decimals,
        })
    }

    /// `__call__`: '%1.{decimals}f' of the value after offset and scaling.
    fn label(&self, x: f64) -> String {
        let xp = (x - self.offset) / py::pow10(f64::from(self.order_of_magnitude));
        // matplotlib replaces tiny values by the integer 0, which prints unsigned.
        let xp = if xp.abs() < 1e-8 { 0.0 } else { xp };
        fix_minus(&format!("{:.*}", self.decimals, xp))
    }

    /// `get_offset` without mathtext.
    fn offset_text(&self) -> String {
        if self.order_of_magnitude == 0 && self.offset == 0.0 {
            return String::new();
        }
        let mut s = String::new();
        if self.order_of_magnitude != 0 {
            s.push_str(&format!("1e{}", self.order_of_magnitude));
        }
        if self.offset != 0.0 {
            if self.offset > 0.0 {
                s.push('+');
            }
            s.push_str(&format_data(self.offset));
        }
        fix_minus(&s)
    }
}

/// `ScalarFormatter._compute_offset` over the visible ticks.
fn compute_offset(visible: &[f64]) -> Option<f64> {
    let Some(&first) = visible.first() else {
        return Some(0.0);
    };
    let (lmin, lmax) = visible
        .iter()
        .fold((first, first), |(a, b), &l| (a.min(l), b.max(l)));
    if lmin == lmax || (lmin <= 0.0 && 0.0 <= lmax) {
        return Some(0.0);
    }
    let (abs_min, abs_max) = if lmin.abs() <= lmax.abs() {
        (lmin.abs(), lmax.abs())
    } else {
        (lmax.abs(), lmin.abs())
    };
    let sign = libm::copysign(1.0, lmin);
    let oom_max = libm::ceil(py::log10(abs_max));
    // The smallest power of ten at which both are equal ('count down until they
    // differ'); bounded, as the powers of ten run out below 1e-323.
    let first_oom = |differ: &dyn Fn(f64, f64) -> bool| -> Option<f64> {
        let mut oom = oom_max;
        while oom >= -400.0 {
            let p = py::pow10(oom);
            if differ(py::floordiv(abs_min, p), py::floordiv(abs_max, p)) {
                return Some(oom + 1.0);
            }
            oom -= 1.0;
        }
        None
    };
    let mut oom = first_oom(&|a, b| a != b)?;
    if (abs_max - abs_min) / py::pow10(oom) <= 1e-2 {
        // Straddling a multiple of a large power of ten: the smallest power at which
        // the two are no more than 1 apart.
        oom = first_oom(&|a, b| b - a > 1.0)?;
    }
    let p = py::pow10(oom);
    let q = py::floordiv(abs_max, p);
    // The offset must save at least offset_threshold (4) - 1 digits.
    Some(if q >= 1000.0 { sign * q * p } else { 0.0 })
}

/// `ScalarFormatter._set_order_of_magnitude` with powerlimits (-5, 6).
fn order_of_magnitude(visible: &[f64], offset: f64, lo: f64, hi: f64) -> Option<i32> {
    if visible.is_empty() {
        return Some(0);
    }
    let oom = if offset != 0.0 {
        py::floor_log10(hi - lo)?
    } else {
        let val = visible.iter().fold(0.0f64, |m, l| m.max(l.abs()));
        if val == 0.0 {
            0
        } else {
            py::floor_log10(val)?
        }
    };
    Some(if oom <= -5 || oom >= 6 { oom } else { 0 })
}

/// `ScalarFormatter._set_format`: the number of decimals for '%1.{n}f'.
fn decimals(locs: &[f64], offset: f64, oom: i32, lo: f64, hi: f64) -> Option<usize> {
    let few = locs.len() < 2;
    let scale = py::pow10(f64::from(oom));
    let mut scaled: Vec<f64> = locs.iter().map(|l| (l - offset) / scale).collect();
    if few {
        // matplotlib borrows the view ends for the range, then drops them again.
        scaled.push((lo - offset) / scale);
        scaled.push((hi - offset) / scale);
    }
    let (min, max) = scaled
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &l| {
            (py::np_min(a, l), py::np_max(b, l))
        });
    let mut loc_range = max - min;
    if loc_range == 0.0 {
        loc_range = scaled.iter().fold(0.0, |m, &l| py::np_max(m, l.abs()));
    }
    if loc_range == 0.0 {
        loc_range = 1.0;
    }
    if few {
        scaled.truncate(scaled.len() - 2);
    }
    let loc_range_oom = py::floor_log10(loc_range)?;
    let mut sigfigs = (3 - i64::from(loc_range_oom)).max(0);
    // `10 ** loc_range_oom` is an int power (exact, then converted) for oom >= 0.
    let thresh = 1e-3 * py::exact_pow10(loc_range_oom);
    while sigfigs >= 0 {
        let worst = scaled.iter().fold(0.0, |m, &l| {
            py::np_max(m, (l - py::np_round(l, sigfigs as u32)).abs())
        });
        if worst < thresh {
            sigfigs -= 1;
        } else {
            break;
        }
    }
    usize::try_from(sigfigs + 1).ok()
}

/// `ScalarFormatter.format_data` without mathtext: the offset as "1.234e6".
fn format_data(value: f64) -> String {
    let Some(e) = py::floor_log10(value.abs()) else {
        return String::new();
    };
    // `value / 10**e` converts the exact integer 10**e for e >= 0, and calls pow
    // otherwise; both are the correctly rounded power here.
    let s = py::round_decimals(value / py::exact_pow10(e), 10);
    let significand = if s == libm::floor(s) {
        py::format_d(s)
    } else {
        py::format_g(s, 10)
    };
    if e == 0 {
        fix_minus(&significand)
    } else {
        fix_minus(&format!("{significand}e{e}"))
    }
}

// ---------------------------------------------------------------------------------
// LogLocator and LogFormatterSciNotation

/// `LogLocator(10, subs).tick_values(lo, hi)` with `subs` (1.0,) for the majors and
/// 'auto' for the minors; `0 < lo < hi`. None where matplotlib's arithmetic would fail.
fn log_locator(lo: f64, hi: f64, numticks: usize, minor: bool) -> Option<Vec<f64>> {
    let log_vmin = py::ln(lo) / py::ln(10.0);
    let log_vmax = py::ln(hi) / py::ln(10.0);
    if !log_vmin.is_finite() || !log_vmax.is_finite() {
        return None;
    }
    let floor_vmin = libm::floor(log_vmin) as i64;
    let ceil_vmax = libm::ceil(log_vmax) as i64;
    let numdec = libm::floor(log_vmax) as i64 - libm::ceil(log_vmin) as i64;
    if minor && numdec > 10 {
        return Some(Vec::new());
    }
    let mut stride = numdec.div_euclid(numticks as i64) + 1;
    if stride >= numdec {
        // Never a stride as long as the range: at least two ticks stay visible.
        stride = (numdec - 1).max(1);
    }
    let decades = (floor_vmin - stride..ceil_vmax + 2 * stride).step_by(stride as usize);
    let ticks: Vec<f64> = if !minor {
        decades.map(|d| py::pow10(d as f64)).collect()
    } else if stride == 1 {
        decades
            .flat_map(|d| {
                let start = py::pow10(d as f64);
                (2..10).map(move |s| f64::from(s) * start)
            })
            .collect()
    } else {
        Vec::new()
    };
    if minor && stride == 1 && ticks.iter().filter(|&&t| lo <= t && t <= hi).count() <= 1 {
        // Too few minor ticks: matplotlib asks a new AutoLocator, which has no axis
        // and so uses 9 bins whatever the axis length.
        return max_n_locator(lo, hi, 9, false);
    }
    Some(ticks)
}

/// Which coefficients `LogFormatter.set_locs` lets through (`_sublabels`).
#[derive(Clone, Copy)]
enum Sublabels {
    /// {1}: only powers of ten.
    Decades,
    /// `set(np.round(np.geomspace(1, 10, 6)))`.
    Some,
    /// 1..=10.
    All,
}

impl Sublabels {
    /// `LogFormatter.set_locs` with minor_thresholds (1, 0.4) for the view `0 < lo < hi`.
    fn new(lo: f64, hi: f64) -> Self {
        let numdec = (py::ln(hi) / py::ln(10.0) - py::ln(lo) / py::ln(10.0)).abs();
        if numdec > 1.0 {
            Sublabels::Decades
        } else if numdec > 0.4 {
            Sublabels::Some
        } else {
            Sublabels::All
        }
    }

    fn contains(self, coeff: f64) -> bool {
        match self {
            Sublabels::Decades => coeff == 1.0,
            Sublabels::Some => [1.0, 2.0, 3.0, 4.0, 6.0, 10.0].contains(&coeff),
            Sublabels::All => (1.0..=10.0).contains(&coeff) && coeff == libm::floor(coeff),
        }
    }
}

/// `LogFormatterSciNotation.__call__` (labelOnlyBase False), its mathtext turned into
/// a label with a superscript.
fn log_label(x: f64, sublabels: Sublabels) -> Label {
    if x == 0.0 {
        return Label::plain("0");
    }
    // mathtext draws '-' as U+2212.
    let sign = if x < 0.0 { "\u{2212}" } else { "" };
    let x = x.abs();
    let fx = py::ln(x) / py::ln(10.0);
    if !fx.is_finite() {
        return Label::default();
    }
    let is_decade = py::is_close_to_int(fx);
    let exponent = if is_decade {
        libm::rint(fx)
    } else {
        libm::floor(fx)
    };
    let coeff = libm::rint(libm::pow(10.0, fx - exponent));
    if !sublabels.contains(coeff) {
        return Label::default();
    }
    if is_decade {
        return Label {
            text: format!("{sign}10"),
            superscript: Some(fix_minus(&py::format_d(exponent))),
        };
    }
    // `_non_decade_format`.
    let mut coeff = libm::pow(10.0, fx - exponent);
    if py::is_close_to_int(coeff) {
        coeff = libm::rint(coeff);
    }
    Label {
        text: format!("{sign}{}\u{d7}10", fix_minus(&py::format_g(coeff, 6))),
        superscript: Some(fix_minus(&py::format_d(exponent))),
    }
}

/// `LogTransform` (base 10, nonpositive='clip').
fn log_transform(v: f64) -> f64 {
    if v <= 0.0 {
        -1000.0
    } else {
        py::log10(v)
    }
}

/// The ticks of a log axis with view `0 < lo < hi` whose major locator gave `major`.
fn log_ticks(major: &[f64], lo: f64, hi: f64, numticks: usize) -> AxisTicks {
    let minor = log_locator(lo, hi, numticks, true).unwrap_or_default();
    let (lo_t, hi_t) = (log_transform(lo), log_transform(hi));
    // `Axis.get_minorticklocs`: drop minors within 1e-5 of the (log) view of a major.
    let tol = (hi_t - lo_t) * 1e-5;
    let major_t: Vec<f64> = major.iter().map(|&v| log_transform(v)).collect();
    let sublabels = Sublabels::new(lo, hi);
    let drawn = |v: f64| contains_close(lo_t, hi_t, log_transform(v));
    let tick = |value: f64| Tick {
        value,
        label: log_label(value, sublabels),
    };
    AxisTicks {
        major: major
            .iter()
            .copied()
            .filter(|&v| drawn(v))
            .map(tick)
            .collect(),
        minor: minor
            .into_iter()
            .filter(|&v| {
                let t = log_transform(v);
                !major_t.iter().any(|&m| (t - m).abs() <= tol)
            })
            .filter(|&v| drawn(v))
            .map(tick)
            .collect(),
        offset: String::new(),
    }
}

// ---------------------------------------------------------------------------------

/// Python, NumPy and glibc float semantics that matplotlib's tick code relies on.
///
/// - `ln` is CPython's `math.log` (glibc `log`): a correctly rounded double-double
///   logarithm. glibc's is within 0.52 ulp, so the two differ only where the exact
///   value is within about 1e-18 of a rounding midpoint (2 in 260 000 random
///   arguments, none at the powers of ten and their small multiples that decide
///   ticks).
/// - `log10` is glibc 2.36's `log10`: fdlibm's reduction, which calls glibc's `log`.
/// - `pow10(k)` for integral `k` is glibc's `pow(10, k)`: correctly rounded except at
///   k = 23 and 210, where glibc rounds up. Non-integral powers only feed tolerances
///   and 6-digit labels, where `libm::pow` is close enough.
/// - `floordiv` / `divmod` are CPython's `float_divmod` (NumPy's `npy_divmod` is the
///   same), `np_round` is NumPy's `round` (scale, rint, unscale), `round_decimals` is
///   CPython's `round(x, n)` and the formatters are Python's '%f', '%g', '%d'. Rust's
///   `{:.n}` and `{:.ne}` round the exact binary value half to even like Python's
///   (checked on 120 000 values).
mod py {
    /// `max(a, b)` in Python: `a` unless `b` is greater (so NaN in `b` is ignored).
    pub fn max(a: f64, b: f64) -> f64 {
        if b > a {
            b
        } else {
            a
        }
    }

    /// `min(a, b)` in Python.
    pub fn min(a: f64, b: f64) -> f64 {
        if b < a {
            b
        } else {
            a
        }
    }

    /// NumPy's `maximum`/`max`: NaN wins.
    pub fn np_max(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else if b > a {
            b
        } else {
            a
        }
    }

    /// NumPy's `minimum`/`min`: NaN wins.
    pub fn np_min(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else if b < a {
            b
        } else {
            a
        }
    }

    /// CPython's `divmod(vx, wx)` for floats (`float_divmod`); wx != 0.
    pub fn divmod(vx: f64, wx: f64) -> (f64, f64) {
        let mut m = libm::fmod(vx, wx);
        let mut div = (vx - m) / wx;
        if m != 0.0 {
            if (wx < 0.0) != (m < 0.0) {
                m += wx;
                div -= 1.0;
            }
        } else {
            m = libm::copysign(0.0, wx);
        }
        let floordiv = if div != 0.0 {
            let mut f = libm::floor(div);
            if div - f > 0.5 {
                f += 1.0;
            }
            f
        } else {
            libm::copysign(0.0, vx / wx)
        };
        (floordiv, m)
    }

    /// `vx // wx` for floats.
    pub fn floordiv(vx: f64, wx: f64) -> f64 {
        divmod(vx, wx).0
    }

    /// The correctly rounded 10^k for an integer k: what converting the Python int
    /// `10**k` gives, and what glibc's `pow` gives for k < 0.
    pub fn exact_pow10(k: i32) -> f64 {
        if k > 400 {
            return f64::INFINITY;
        }
        if k < -400 {
            return 0.0;
        }
        // Rust's float parsing is correctly rounded, on every target.
        format!("1e{k}").parse().unwrap_or(f64::NAN)
    }

    /// glibc's `pow(10, y)`, as Python's `10 ** y`, `10. ** n` and NumPy's scalar power
    /// compute it.
    pub fn pow10(y: f64) -> f64 {
        if y != libm::floor(y) || !y.is_finite() {
            return libm::pow(10.0, y);
        }
        let k = y.clamp(-1000.0, 1000.0) as i32;
        let p = exact_pow10(k);
        if k == 23 || k == 210 {
            // glibc's pow rounds these two up.
            f64::from_bits(p.to_bits() + 1)
        } else {
            p
        }
    }

    /// `math.floor(math.log10(x))`; None where Python raises (x not positive and finite
    /// gives inf or NaN).
    pub fn floor_log10(x: f64) -> Option<i32> {
        let l = log10(x);
        l.is_finite().then(|| libm::floor(l) as i32)
    }

    /// NumPy's `np.round(x, decimals)` for float64, decimals >= 0.
    pub fn np_round(x: f64, decimals: u32) -> f64 {
        const SMALL: [f64; 9] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
        let f = match SMALL.get(decimals as usize) {
            Some(&f) => f,
            None => {
                let mut f = 1e9;
                for _ in 9..decimals {
                    f *= 10.0;
                }
                f
            }
        };
        libm::rint(x * f) / f
    }

    /// CPython's `round(x, n)`: correctly rounded to n decimals, half to even.
    pub fn round_decimals(x: f64, n: usize) -> f64 {
        if !x.is_finite() {
            return x;
        }
        format!("{x:.n$}").parse().unwrap_or(x)
    }

    /// `math.isclose(x, round(x))` (rel_tol 1e-9, abs_tol 0).
    pub fn is_close_to_int(x: f64) -> bool {
        let r = libm::rint(x);
        if x == r {
            return true;
        }
        let diff = (r - x).abs();
        diff <= (1e-9 * r).abs() || diff <= (1e-9 * x).abs()
    }

    /// Python's '%d' % x for a float.
    pub fn format_d(x: f64) -> String {
        let t = x.trunc();
        if t == 0.0 {
            "0".to_string()
        } else {
            format!("{t:.0}")
        }
    }

    /// Python's '%.{precision}g' % x.
    pub fn format_g(x: f64, precision: usize) -> String {
        if x.is_nan() {
            return "nan".to_string();
        }
        if x.is_infinite() {
            return if x > 0.0 { "inf" } else { "-inf" }.to_string();
        }
        let p = precision.max(1);
        if x == 0.0 {
            return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
        }
        let sci = format!("{:.*e}", p - 1, x);
        let Some((mantissa, exp)) = sci.split_once('e') else {
            return sci;
        };
        let exp: i64 = exp.parse().unwrap_or(0);
        if exp < -4 || exp >= p as i64 {
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{}e{sign}{:02}", strip_zeros(mantissa), exp.unsigned_abs())
        } else {
            let decimals = (p as i64 - 1 - exp).max(0) as usize;
            strip_zeros(&format!("{x:.decimals$}")).to_string()
        }
    }

    fn strip_zeros(s: &str) -> &str {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.')
        } else {
            s
        }
    }

    /// glibc 2.36's `log10` (`__ieee754_log10`): the exponent times log10(2) in two
    /// parts plus log(mantissa) / ln(10).
    pub fn log10(x: f64) -> f64 {
        const TWO54: f64 = 18_014_398_509_481_984.0;
        const IVLN10: f64 = f64::from_bits(0x3FDB_CB7B_1526_E50E);
        const LOG10_2HI: f64 = f64::from_bits(0x3FD3_4413_509F_6000);
        const LOG10_2LO: f64 = f64::from_bits(0x3D59_FEF3_11F1_2B36);
        if x.is_nan() || x < 0.0 {
            return f64::NAN;
        }
        if x == 0.0 {
            return f64::NEG_INFINITY;
        }
        if x.is_infinite() {
            return x;
        }
        let (mut x, mut k) = (x, 0i32);
        if x < f64::MIN_POSITIVE {
            x *= TWO54;
            k -= 54;
        }
        let bits = x.to_bits();
        let hx = (bits >> 32) as u32;
        k += (hx >> 20) as i32 - 1023;
        // Below 1 the mantissa is taken in [0.5, 1) so that log(mantissa) carries the
        // sign of the result.
        let i = u32::from(k < 0);
        let hx = (hx & 0x000F_FFFF) | ((0x3FF - i) << 20);
        let y = f64::from(k + i as i32);
        let m = f64::from_bits((u64::from(hx) << 32) | (bits & 0xFFFF_FFFF));
        let z = y * LOG10_2LO + IVLN10 * ln(m);
        z + y * LOG10_2HI
    }

    /// Correctly rounded natural logarithm.
    pub fn ln(x: f64) -> f64 {
        if x.is_nan() || x < 0.0 {
            return f64::NAN;
        }
        if x == 0.0 {
            return f64::NEG_INFINITY;
        }
        if x.is_infinite() {
            return x;
        }
        let (mut x, mut k) = (x, 0i32);
        if x < f64::MIN_POSITIVE {
            x *= 18_014_398_509_481_984.0; // 2^54
            k -= 54;
        }
        let bits = x.to_bits();
        k += (bits >> 52) as i32 - 1023;
        let mut m = f64::from_bits((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
        if m > core::f64::consts::SQRT_2 {
            m *= 0.5;
            k += 1;
        }
        // ln(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| <= 0.172: 24 odd terms of
        // the series reach 2^-110, past any double-double rounding.
        let s = Dd::from(m - 1.0).div(two_sum(m, 1.0));
        let s2 = s.mul(s);
        let mut p = Dd::from(1.0).div(Dd::from(47.0));
        for j in (0..23).rev() {
            p = p
                .mul(s2)
                .add(Dd::from(1.0).div(Dd::from(f64::from(2 * j + 1))));
        }
        let r = s
            .mul(p)
            .mul(Dd::from(2.0))
            .add(LN2.mul(Dd::from(f64::from(k))));
        r.hi + r.lo
    }

    /// ln(2) to 107 bits.
    const LN2: Dd = Dd {
        hi: f64::from_bits(0x3FE6_2E42_FEFA_39EF),
        lo: f64::from_bits(0x3C7A_BC9E_3B39_803F),
    };

    /// A double-double: the unevaluated sum `hi + lo`, |lo| <= ulp(hi) / 2. Plain IEEE
    /// operations (Rust never fuses them), so the bits are the same on every target.
    #[derive(Clone, Copy)]
    struct Dd {
        hi: f64,
        lo: f64,
    }

    impl From<f64> for Dd {
        fn from(hi: f64) -> Self {
            Dd { hi, lo: 0.0 }
        }
    }

    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd {
            hi: s,
            lo: (a - (s - bb)) + (b - bb),
        }
    }

    /// `two_sum` for |a| >= |b|.
    fn fast_two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd {
            hi: s,
            lo: b - (s - a),
        }
    }

    /// Veltkamp's split into two 26-bit halves.
    fn split(a: f64) -> (f64, f64) {
        let c = 134_217_729.0 * a;
        let hi = c - (c - a);
        (hi, a - hi)
    }

    /// Dekker's exact product.
    fn two_prod(a: f64, b: f64) -> Dd {
        let p = a * b;
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        Dd {
            hi: p,
            lo: ((ah * bh - p) + ah * bl + al * bh) + al * bl,
        }
    }

    impl Dd {
        fn add(self, o: Dd) -> Dd {
            let s = two_sum(self.hi, o.hi);
            let t = two_sum(self.lo, o.lo);
            let u = fast_two_sum(s.hi, s.lo + t.hi);
            fast_two_sum(u.hi, u.lo + t.lo)
        }

        fn mul(self, o: Dd) -> Dd {
            let p = two_prod(self.hi, o.hi);
            fast_two_sum(p.hi, p.lo + (self.hi * o.lo + self.lo * o.hi))
        }

        fn div(self, o: Dd) -> Dd {
            let q1 = self.hi / o.hi;
            let r = self.add(o.mul(Dd::from(-q1)));
            let q2 = r.hi / o.hi;
            let r = r.add(o.mul(Dd::from(-q2)));
            let q3 = r.hi / o.hi;
            fast_two_sum(q1, q2).add(Dd::from(q3))
        }
    }
}

/// Expected values come from matplotlib 3.10.7 (Agg, default rcParams): an axes from
/// `fig.add_subplot()` in a 6.4 × 4.8 in figure at 100 dpi (x axis 496 px long, tick
/// space 11; y axis 369.6 px, tick space 13), limits set with `ax.set_xlim(lo, hi)`,
/// then
///
/// ```python
/// a = ax.xaxis                                  # or ax.yaxis
/// drawn = a._update_ticks()                     # the ticks matplotlib draws
/// major = [(t.get_loc(), t.label1.get_text()) for t in drawn if t in a.majorTicks]
/// minor = [(t.get_loc(), t.label1.get_text()) for t in drawn if t not in a.majorTicks]
/// offset = a.get_major_formatter().get_offset()
/// ```
///
/// with mathtext labels written in [`Label::aria`] form. Python-semantics checks quote
/// the Python expression they mirror.
#[cfg(test)]
mod tests {
    use super::*;

    const X_SPACE: usize = 11;
    const Y_SPACE: usize = 13;

    fn labels(ticks: &[Tick]) -> Vec<String> {
        ticks.iter().map(|t| t.label.aria()).collect()
    }

    fn values(ticks: &[Tick]) -> Vec<f64> {
        ticks.iter().map(|t| t.value).collect()
    }

    #[test]
    fn tick_space_is_matplotlibs() {
        assert_eq!(tick_space(496.0, 100.0, 10.0, true), X_SPACE);
        assert_eq!(tick_space(369.6, 100.0, 10.0, false), Y_SPACE);
        assert_eq!(tick_space(60.0, 100.0, 10.0, true), 1);
        assert_eq!(tick_space(10.0, 100.0, 10.0, true), 0);
        assert_eq!(tick_space(100.0, 100.0, 0.0, true), (1 << 31) - 1);
        assert_eq!(tick_space(f64::NAN, 100.0, 10.0, true), 0);
    }

    #[test]
    fn symmetric_unit_range() {
        let t = linear(-1.0, 1.0, X_SPACE);
        assert_eq!(
            labels(&t.major),
            ["−1.00", "−0.75", "−0.50", "−0.25", "0.00", "0.25", "0.50", "0.75", "1.00"]
        );
        assert_eq!(values(&t.major)[1], -0.75);
        assert_eq!(t.offset, "");
        assert!(t.minor.is_empty());
    }

    #[test]
    fn halves() {
        let t = linear(0.0, 3.0, X_SPACE);
        assert_eq!(
            labels(&t.major),
            ["0.0", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0"]
        );
    }

    #[test]
    fn inverted_view_gives_the_same_ticks() {
        assert_eq!(linear(3.0, 0.0, X_SPACE), linear(0.0, 3.0, X_SPACE));
        assert_eq!(log(100.0, 1.0, X_SPACE), log(1.0, 100.0, X_SPACE));
    }

    #[test]
    fn additive_offset() {
        // ax.set_xlim(1234.05, 1234.45)
        let t = linear(1234.05, 1234.45, X_SPACE);
        assert_eq!(t.offset, "+1.234e3");
        assert_eq!(
            labels(&t.major),
            ["0.05", "0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.40", "0.45"]
        );
        // ax.set_xlim(1e6, 1e6 + 1e-3)
        let t = linear(1e6, 1e6 + 1e-3, X_SPACE);
        assert_eq!(t.offset, "+1e6");
        assert_eq!(
            labels(&t.major),
            ["0.0000", "0.0002", "0.0004", "0.0006", "0.0008", "0.0010"]
        );
    }

    #[test]
    fn order_of_magnitude() {
        let t = linear(0.0, 5e6, X_SPACE);
        assert_eq!(t.offset, "1e6");
        assert_eq!(labels(&t.major), ["0", "1", "2", "3", "4", "5"]);
        assert_eq!(values(&t.major)[5], 5e6);

        let t = linear(1e-6, 5e-6, X_SPACE);
        assert_eq!(t.offset, "1e−6");
        assert_eq!(
            labels(&t.major),
            ["1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0", "4.5", "5.0"]
        );
        // matplotlib's own arithmetic: 2.5e-6 is 2.4999999999999998e-06.
        assert_eq!(values(&t.major)[3], 2.4999999999999998e-06);

        let t = linear(0.0, 1e300, X_SPACE);
        assert_eq!(t.offset, "1e300");
        assert_eq!(labels(&t.major), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    }

    #[test]
    fn negative_range_on_y() {
        let t = linear(-5.0, -1.0, Y_SPACE);
        assert_eq!(
            labels(&t.major),
            [
                "−5.0", "−4.5", "−4.0", "−3.5", "−3.0", "−2.5", "−2.0", "−1.5", "−1.0"
            ]
        );
        assert_eq!(t.offset, "");
    }

    #[test]
    fn tiny_span_gets_offset_and_scale() {
        // ax.set_xlim(1, 1 + 1e-13)
        let t = linear(1.0, 1.0 + 1e-13, X_SPACE);
        assert_eq!(t.offset, "1e−14+1");
        assert_eq!(
            labels(&t.major),
            ["0.000", "1.998", "3.997", "5.995", "7.994", "9.992"]
        );
    }

    #[test]
    fn degenerate_views_give_nothing() {
        for (lo, hi) in [
            (1.0, 1.0),
            (f64::NAN, 1.0),
            (0.0, f64::NAN),
            (f64::NEG_INFINITY, 1.0),
            (0.0, f64::INFINITY),
        ] {
            assert_eq!(linear(lo, hi, X_SPACE), AxisTicks::default(), "{lo} {hi}");
            assert_eq!(log(lo, hi, X_SPACE), AxisTicks::default(), "{lo} {hi}");
            assert!(integer_positions(lo, hi, X_SPACE).is_empty());
            assert_eq!(fixed(&[0.5, 1.0], lo, hi, false), AxisTicks::default());
        }
        // A span that overflows leaves the locator nothing to work with (matplotlib
        // raises), though explicit ticks can still be labelled.
        assert_eq!(linear(-f64::MAX, f64::MAX, X_SPACE), AxisTicks::default());
        assert!(integer_positions(-f64::MAX, f64::MAX, X_SPACE).is_empty());
        assert_eq!(
            labels(&fixed(&[0.5, 1.0], -f64::MAX, f64::MAX, false).major),
            ["0.5", "1.0"]
        );
        // Log views must be positive.
        assert_eq!(log(0.0, 10.0, X_SPACE), AxisTicks::default());
        assert_eq!(log(-10.0, -1.0, X_SPACE), AxisTicks::default());
    }

    /// Every input, however odd, returns (finite ticks inside the view) without
    /// panicking.
    #[test]
    fn never_panics() {
        let specials = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f64::MIN_POSITIVE,
            5e-324,
            1e-300,
            1e-290,
            1e-14,
            0.1,
            7.0,
            1e15,
            9.007_199_254_740_992e15,
            1e23,
            1e210,
            1e300,
            f64::MAX,
            -f64::MAX,
            f64::INFINITY,
            f64::NAN,
        ];
        // A fixed linear congruential generator keeps the run reproducible.
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut random = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            f64::from_bits(state >> 1)
        };
        let mut pairs = Vec::new();
        for &a in &specials {
            for &b in &specials {
                pairs.push((a, b));
                pairs.push((a, a + b * 1e-12));
            }
        }
        for _ in 0..2000 {
            pairs.push((random(), random()));
        }
        for (lo, hi) in pairs {
            for space in [0, 1, 5, 9, 100] {
                for t in [
                    linear(lo, hi, space),
                    log(lo, hi, space),
                    fixed(&[lo, hi, 0.0, 1.0, f64::NAN], lo, hi, false),
                    fixed(&[lo, hi, 1.0, 10.0], lo, hi, true),
                ] {
                    for tick in t.major.iter().chain(&t.minor) {
                        assert!(tick.value.is_finite(), "{lo:e} {hi:e} {space}");
                    }
                }
                for v in integer_positions(lo, hi, space) {
                    assert!(v.is_finite(), "{lo:e} {hi:e} {space} {v}");
                }
            }
            let _ = number(lo);
        }
    }

    #[test]
    fn integer_locator() {
        // MaxNLocator(nbins='auto', steps=[1, 2, 2.5, 5, 10], integer=True), xlim (-0.5, 4.5)
        assert_eq!(
            integer_positions(-0.5, 4.5, X_SPACE),
            [0.0, 1.0, 2.0, 3.0, 4.0]
        );
    }

    #[test]
    fn log_decades() {
        let t = log(1.0, 100.0, X_SPACE);
        assert_eq!(labels(&t.major), ["10^0", "10^1", "10^2"]);
        assert_eq!(t.major[0].label.text, "10");
        assert_eq!(t.major[0].label.superscript.as_deref(), Some("0"));
        assert_eq!(t.minor.len(), 16);
        assert!(t.minor.iter().all(|m| m.label.is_empty()));
        assert_eq!(t.offset, "");

        let t = log(0.01, 100.0, X_SPACE);
        assert_eq!(labels(&t.major), ["10^−2", "10^−1", "10^0", "10^1", "10^2"]);
        assert_eq!(t.minor.len(), 32);
    }

    #[test]
    fn log_stride_on_a_short_axis() {
        // A 6.4 × 2 in figure: y axis 154 px, tick space 5.
        let t = log(1e-5, 1e5, 5);
        assert_eq!(labels(&t.major), ["10^−5", "10^−2", "10^1", "10^4"]);
        assert!(t.minor.is_empty());
    }

    #[test]
    fn log_minor_labels() {
        let t = log(2.0, 5.0, X_SPACE);
        assert!(t.major.is_empty());
        assert_eq!(labels(&t.minor), ["2×10^0", "3×10^0", "4×10^0", "5×10^0"]);
        assert_eq!(t.minor[0].label.text, "2×10");

        // Only one minor tick in view: the minor locator becomes an AutoLocator.
        let t = log(1.0, 2.0, X_SPACE);
        assert_eq!(labels(&t.major), ["10^0"]);
        assert_eq!(
            labels(&t.minor),
            ["1.2×10^0", "1.4×10^0", "1.6×10^0", "1.8×10^0", "2×10^0"]
        );
        assert_eq!(t.minor[0].value, 1.2000000000000002);

        // Between 0.4 and 1 decade: only the coefficients 1, 2, 3, 4, 6, 10.
        let t = log(0.3, 2.0, X_SPACE);
        let shown: Vec<String> = t
            .minor
            .iter()
            .filter(|m| !m.label.is_empty())
            .map(|m| m.label.aria())
            .collect();
        assert_eq!(shown, ["3×10^−1", "4×10^−1", "6×10^−1", "2×10^0"]);
        assert_eq!(t.minor.len(), 8);
    }

    #[test]
    fn fixed_ticks() {
        // ax.set_xticks([99999, 100002, 100004.5, 100008]); ax.set_xlim(100000, 100010)
        let t = fixed(
            &[99999.0, 100002.0, 100004.5, 100008.0],
            100000.0,
            100010.0,
            false,
        );
        assert_eq!(values(&t.major), [100002.0, 100004.5, 100008.0]);
        assert_eq!(labels(&t.major), ["2.0", "4.5", "8.0"]);
        assert_eq!(t.offset, "+1e5");

        // ax.set_xscale('log'); ax.set_xticks([1, 3, 10, 30, 100]); ax.set_xlim(1, 100)
        let t = fixed(&[1.0, 3.0, 10.0, 30.0, 100.0], 1.0, 100.0, true);
        assert_eq!(labels(&t.major), ["10^0", "", "10^1", "", "10^2"]);
        assert_eq!(t.minor.len(), 14);
    }

    #[test]
    fn lone_numbers() {
        // ['%g' % v for v in [0.5, -3, 1e-5, 123456789, 0.0001, 100000, 1e6, 2.5e-7]]
        let got: Vec<String> = [
            0.5,
            -3.0,
            1e-5,
            123_456_789.0,
            0.0001,
            100_000.0,
            1e6,
            2.5e-7,
        ]
        .iter()
        .map(|&v| number(v))
        .collect();
        assert_eq!(
            got,
            [
                "0.5",
                "−3",
                "1e−05",
                "1.23457e+08",
                "0.0001",
                "100000",
                "1e+06",
                "2.5e−07"
            ]
        );
        assert_eq!(number(f64::NAN), "nan");
        assert_eq!(number(f64::NEG_INFINITY), "−inf");
    }

    #[test]
    fn label_forms() {
        let l = Label {
            text: "2×10".into(),
            superscript: Some("−3".into()),
        };
        assert_eq!(l.aria(), "2×10^−3");
        assert!(!l.is_empty());
        assert_eq!(Label::plain("−1.00").aria(), "−1.00");
        assert!(Label::default().is_empty());
    }

    #[test]
    fn python_float_semantics() {
        // divmod(-7.5, 2), divmod(7.5, -2), 0.3 // 0.1, divmod(1.0, 0.1), -0.0 // 1.0
        assert_eq!(py::divmod(-7.5, 2.0), (-4.0, 0.5));
        assert_eq!(py::divmod(7.5, -2.0), (-4.0, -0.5));
        assert_eq!(py::floordiv(0.3, 0.1), 2.0);
        assert_eq!(py::divmod(1.0, 0.1), (9.0, 0.09999999999999995));
        assert!(py::floordiv(-0.0, 1.0).is_sign_negative());
        // math.log(0.01) / math.log(10), math.log(1000) / math.log(10)
        assert_eq!(py::ln(0.01) / py::ln(10.0), -1.9999999999999996);
        assert_eq!(py::ln(1000.0) / py::ln(10.0), 2.9999999999999996);
        // math.log10(0.09999999999999999), math.log10(1e-5)
        assert_eq!(py::log10(0.09999999999999999), -1.0);
        assert_eq!(py::log10(1e-5), -5.0);
        // 10.0 ** 23, 10.0 ** -303
        assert_eq!(py::pow10(23.0), 1.0000000000000001e23);
        assert_eq!(py::pow10(-303.0), 1e-303);
        assert_eq!(py::exact_pow10(23), 1e23);
        // np.round([0.125, 0.375, 1.005], 2), np.round([2.5, 3.5, -2.5])
        assert_eq!(py::np_round(0.125, 2), 0.12);
        assert_eq!(py::np_round(0.375, 2), 0.38);
        assert_eq!(py::np_round(1.005, 2), 1.0);
        assert_eq!(py::np_round(2.5, 0), 2.0);
        assert_eq!(py::np_round(3.5, 0), 4.0);
        // round(1.23450000005, 10), round(2.675, 2)
        assert_eq!(py::round_decimals(1.23450000005, 10), 1.2345);
        assert_eq!(py::round_decimals(2.675, 2), 2.67);
        // '%1.2f' % 0.125, '%1.1f' % -0.04, '%d' % -3.0, '%1.10g' % 1.5
        assert_eq!(format!("{:.2}", 0.125), "0.12");
        assert_eq!(format!("{:.1}", -0.04), "-0.0");
        assert_eq!(py::format_d(-3.0), "-3");
        assert_eq!(py::format_d(-0.0), "0");
        assert_eq!(py::format_g(1.5, 10), "1.5");
        assert_eq!(py::format_g(-0.0, 6), "-0");
    }
}

/// The matplotlib oracle table `tests/oracle/ticks.json` (tools/mpl-oracle): every case
/// must give matplotlib's tick space, major ticks and labels, labelled minor ticks and
/// offset text.
#[cfg(test)]
mod oracle {
    use super::*;
    use serde_json::Value;

    const TABLE: &str = include_str!("../../tests/oracle/ticks.json");

    use crate::layout::oracle_fixture::{num, quote_numbers};

    fn expected(v: &Value) -> Option<Vec<(f64, String)>> {
        v.as_array()?
            .iter()
            .map(|t| Some((num(&t["value"])?, t["label"].as_str()?.to_string())))
            .collect()
    }

    /// Differences between the case and our ticks, if any.
    fn check(case: &Value) -> Result<(), String> {
        let field = |k: &str| num(&case[k]).ok_or(format!("bad field {k}"));
        let (lo, hi) = (field("lo")?, field("hi")?);
        let log_scale = case["scale"] == "log";
        let space = tick_space(
            field("length_px")?,
            field("dpi")?,
            field("fontsize")?,
            case["axis"] == "x",
        );
        let mut errors = Vec::new();
        if space as f64 != field("tick_space")? {
            errors.push(format!("tick_space {space}, want {}", case["tick_space"]));
        }
        let got = if log_scale {
            log(lo, hi, space)
        } else {
            linear(lo, hi, space)
        };
        // Values agree to 1e-9 of the span, in the axis' own (linear or log)
        // coordinates: log ticks can differ from matplotlib's in the last bit where
        // NumPy's vectorized power is not correctly rounded.
        let coord = |v: f64| if log_scale { py::log10(v) } else { v };
        let tol = 1e-9 * (coord(hi) - coord(lo)).abs();
        let mut compare = |name: &str, want: &Value, got: Vec<&Tick>| {
            let Some(want) = expected(want) else {
                errors.push(format!("bad {name} list"));
                return;
            };
            let same = want.len() == got.len()
                && want.iter().zip(&got).all(|((value, label), tick)| {
                    (coord(*value) - coord(tick.value)).abs() <= tol && *label == tick.label.aria()
                });
            if !same {
                let got: Vec<(f64, String)> =
                    got.iter().map(|t| (t.value, t.label.aria())).collect();
                errors.push(format!("{name}: want {want:?}\n        got  {got:?}"));
            }
        };
        compare("major", &case["major"], got.major.iter().collect());
        compare(
            "minor_labeled",
            &case["minor_labeled"],
            got.minor.iter().filter(|t| !t.label.is_empty()).collect(),
        );
        if case["offset"].as_str() != Some(got.offset.as_str()) {
            errors.push(format!("offset {:?}, want {}", got.offset, case["offset"]));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n    "))
        }
    }

    #[test]
    fn every_case_matches_matplotlib() {
        let table: Value = serde_json::from_str(&quote_numbers(TABLE)).expect("ticks.json is JSON");
        assert_eq!(table["matplotlib"], "3.10.7");
        let cases = table["cases"].as_array().expect("a list of cases");
        assert!(!cases.is_empty());
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|case| {
                check(case).err().map(|e| {
                    format!(
                        "{} (lo {}, hi {}):\n    {e}",
                        case["id"], case["lo"], case["hi"]
                    )
                })
            })
            .collect();
        println!(
            "ticks.json: {} of {} cases match matplotlib",
            cases.len() - failures.len(),
            cases.len()
        );
        assert!(
            failures.is_empty(),
            "{} of {} cases differ from matplotlib:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}
