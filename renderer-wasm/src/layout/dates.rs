//! matplotlib 3.10.7's time axis, reproduced exactly: ISO 8601 values become
//! matplotlib's date numbers, and a view of date numbers gets the tick locations, tick
//! labels and offset text that matplotlib draws with
//!
//! ```python
//! locator = AutoDateLocator(tz=tz)        # minticks 5, interval_multiples True
//! ax.xaxis.set_major_locator(locator)
//! ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=tz))
//! ```
//!
//! for a fixed-offset zone `tz = datetime.timezone(timedelta(seconds=zone))`.
//!
//! What mirrors what in `matplotlib/dates.py` (and `dateutil`):
//! - [`parse_iso`]: `datetime.fromisoformat` (fractional seconds truncated to
//!   microseconds) then `date2num` (`_dt64_to_ordinalf`): days since
//!   1970-01-01T00:00 UTC, the default `date.epoch`.
//! - `num2date`: `_from_ordinalf`: rounding to the microsecond (`np.round`), the year
//!   1..9999 check, `astimezone(tz)`, and the rounding to 20 µs more than 70 years
//!   from the epoch.
//! - `get_locator`: `AutoDateLocator.get_locator` with `relativedelta` and `timedelta`
//!   for the span, the `intervald` tables (DAILY swapped to [1, 2, 4, 7, 14] by
//!   `interval_multiples`), per-frequency `maxticks`, the `byranges` stepped by the
//!   interval and the DAILY special cases (7 → 1, 8, 15, 22; 14 → 1, 15).
//! - `rrule_ticks`: `RRuleLocator.tick_values` with `_create_rrule` (dtstart and until
//!   one span either side, capped at the calendar's ends in UTC) and
//!   `rrulewrapper.between(vmin, vmax, inc=True)` over dateutil's `rrule` with interval
//!   1 and the by-sets, falling back on the view's ends where nothing matches.
//! - `year_ticks`: `YearLocator._create_rrule` (`_Edge_integer` multiples of the base,
//!   years clipped to 1..9999) with its `between(start, stop)` including years outside
//!   the view, and the same fallback.
//! - `micro_ticks`: `MicrosecondLocator.tick_values` over `MultipleLocator` (with its
//!   one extra tick either side).
//! - `concise`: `ConciseDateFormatter.format_ticks` with the default `formats`,
//!   `zero_formats` and `offset_formats`: level detection over all the locator's ticks
//!   (also those outside the view), the zero formats, the trailing-zero trimming of
//!   seconds, `show_offset` off when the ticks include January (or year 1), and the
//!   offset from the last tick (the first on an inverted axis). Python's `strftime`
//!   on glibc: `%Y` is not zero-padded, `%b` is English.
//! - [`date_ticks`] keeps the ticks `Axis._update_ticks` draws
//!   (`transforms._interval_contains_close`).
//!
//! Everything that decides a tick or a label is integer arithmetic on microseconds
//! (the calendar is proleptic Gregorian, hand-written) or the same IEEE operations
//! matplotlib performs (`x * 86400e6`, `secs / 86400`, `rint`, `floor`), so native and
//! wasm32 agree. Where matplotlib raises (a date outside years 1..9999 in UTC or in the
//! axis zone), there are no ticks.

use super::ticker::{AxisTicks, Label, Tick};

const US_PER_SEC: i64 = 1_000_000;
const US_PER_MIN: i64 = 60 * US_PER_SEC;
const US_PER_HOUR: i64 = 60 * US_PER_MIN;
const US_PER_DAY: i64 = 24 * US_PER_HOUR;
/// matplotlib's `MUSECONDS_PER_DAY`.
const MUSECONDS_PER_DAY: f64 = 86_400_000_000.0;
/// 0001-01-01T00:00 and 10000-01-01T00:00 in microseconds since the epoch: Python's
/// `datetime` (and with it matplotlib) exists only in between.
const FIRST_US: i64 = -62_135_596_800 * US_PER_SEC;
const END_US: i64 = 253_402_300_800 * US_PER_SEC;
/// Python's `timezone` takes offsets strictly inside ±24 h.
const MAX_ZONE_S: i32 = 86_399;
/// `AutoDateLocator(minticks=5)`.
const MIN_TICKS: f64 = 5.0;
/// More candidates than any locator here examines (DAILY looks at under 160 days,
/// SECONDLY at under 300 seconds); beyond it the view is not one matplotlib can tick.
const MAX_CANDIDATES: usize = 20_000;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A fixed time zone: "UTC" (also "Z") or "±hh:mm". Offset in seconds east of UTC.
pub fn parse_timezone(text: &str) -> Result<i32, String> {
    if text == "UTC" || text == "Z" {
        return Ok(0);
    }
    parse_offset(text).map_err(|reason| {
        format!("time zone {text:?} is not \"UTC\" or an offset such as \"+05:30\": {reason}")
    })
}

/// An ISO 8601 date ("2026-03-01") or date-time ("2026-03-01T12:30:00", also with a
/// space instead of T, optional fractional seconds, optional "Z" or "±hh:mm"), as
/// matplotlib's date number: days since 1970-01-01T00:00 UTC (f64). A value without an
/// offset is a wall-clock time in the axis zone `zone_offset_s`. Err is a human reason
/// ("month 13 does not exist").
pub fn parse_iso(text: &str, zone_offset_s: i32) -> Result<f64, String> {
    if zone_offset_s.unsigned_abs() > MAX_ZONE_S as u32 {
        return Err(format!(
            "time zone offset {zone_offset_s} s is not within ±24 hours"
        ));
    }
    let (local, offset) = parse_local(text)?;
    let offset = offset.unwrap_or(zone_offset_s);
    let utc = local - i64::from(offset) * US_PER_SEC;
    if !(FIRST_US..END_US).contains(&utc) {
        return Err(format!(
            "{text:?} is outside the years 0001 to 9999 in UTC, which time axes cover"
        ));
    }
    Ok(date2num_utc(utc))
}

/// Whether a string looks like an ISO date/date-time at all: 4 digits, '-', 2 digits
/// (so that "2026-3-1" or "2026-13-01" are reported as bad times, not categories).
pub fn looks_like_iso(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
}

/// `AutoDateLocator(minticks=5, interval_multiples=True)` + `ConciseDateFormatter`
/// (default formats, `show_offset=True`) for the view `[lo, hi]` in date numbers,
/// shown in the zone `zone_offset_s`.
///
/// `max_ticks`: None = matplotlib's per-frequency defaults (YEARLY 11, MONTHLY 12,
/// DAILY 11, HOURLY 12, MINUTELY 11, SECONDLY 11, MICROSECONDLY 8); Some(n) caps each
/// of them at n (`maxticks={freq: min(default, n)}`), which makes the locator step
/// further, as matplotlib itself never thins labels.
///
/// Major ticks inside the view, labels plain; no minor ticks (matplotlib's date axis
/// has none). `offset` is the formatter's offset string ("2026-Mar", "2026-Mar-05
/// 12:00"), "" when matplotlib shows none. `lo > hi` is an inverted axis: the same
/// ticks, but the offset describes the first tick rather than the last, as in
/// matplotlib. NaN, infinite or equal limits, a zone outside ±24 h and views that
/// matplotlib cannot draw (dates outside years 1..9999) give no ticks.
pub fn date_ticks(lo: f64, hi: f64, zone_offset_s: i32, max_ticks: Option<usize>) -> AxisTicks {
    ticks(lo, hi, zone_offset_s, max_ticks).unwrap_or_default()
}

/// Formats a date number as ISO 8601 in the zone (for tooltips, messages):
/// "2026-03-01T12:30:00Z", "2026-03-01T18:00:00.25+05:30". Microseconds are rounded as
/// matplotlib's `num2date` rounds them. A number outside years 1..9999 is written as a
/// plain number.
pub fn format_iso(days: f64, zone_offset_s: i32) -> String {
    let zone = if zone_offset_s.unsigned_abs() > MAX_ZONE_S as u32 {
        None
    } else {
        Some(zone_offset_s)
    };
    let Some((zone, local)) = zone.and_then(|z| Some((z, num2date(days, z)?))) else {
        return format!("{days}");
    };
    let c = Civil::of(local);
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    );
    if c.micro != 0 {
        let fraction = format!("{:06}", c.micro);
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
    if zone == 0 {
        out.push('Z');
    } else {
        let sign = if zone < 0 { '-' } else { '+' };
        let minutes = zone.unsigned_abs() / 60;
        out.push_str(&format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
    }
    out
}

// ---------------------------------------------------------------------------------
// Parsing

/// "±hh:mm" in seconds.
fn parse_offset(text: &str) -> Result<i32, String> {
    let b = text.as_bytes();
    let sign = match b.first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err("an offset starts with + or -".into()),
    };
    if b.len() != 6 || b[3] != b':' {
        return Err("an offset is written ±hh:mm".into());
    }
    let hours = digits(&b[1..3]).ok_or("an offset is written ±hh:mm")?;
    let minutes = digits(&b[4..6]).ok_or("an offset is written ±hh:mm")?;
    if hours > 23 {
        return Err(format!("offset hour {hours} is not within 00-23"));
    }
    if minutes > 59 {
        return Err(format!("offset minute {minutes} is not within 00-59"));
    }
    Ok(sign * (hours as i32 * 3600 + minutes as i32 * 60))
}

/// The value of a run of ASCII digits (at most 9).
fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() > 9 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// The wall-clock time in microseconds since 1970-01-01T00:00 of the same clock, and
/// the explicit offset if any.
fn parse_local(text: &str) -> Result<(i64, Option<i32>), String> {
    const SHAPE: &str = "is not an ISO 8601 date such as 2026-03-01 or date-time such as \
                         2026-03-01T12:30:00";
    let bad = || format!("{text:?} {SHAPE}");
    let b = text.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let year = digits(&b[0..4]).ok_or_else(bad)?;
    let month = digits(&b[5..7]).ok_or_else(bad)?;
    let day = digits(&b[8..10]).ok_or_else(bad)?;
    if year < 1 {
        return Err(format!(
            "year {year:04} does not exist (years start at 0001)"
        ));
    }
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    let last = days_in_month(year, month);
    if !(1..=last).contains(&day) {
        return Err(format!(
            "day {day} does not exist in {} {year:04} (it has {last} days)",
            month_name(month)
        ));
    }
    let mut local = days_from_civil(year, month, day) * US_PER_DAY;
    let rest = &b[10..];
    if rest.is_empty() {
        return Ok((local, None));
    }
    if !matches!(rest[0], b'T' | b't' | b' ') || rest.len() < 6 || rest[3] != b':' {
        return Err(bad());
    }
    let hour = digits(&rest[1..3]).ok_or_else(bad)?;
    let minute = digits(&rest[4..6]).ok_or_else(bad)?;
    let mut at = 6;
    let mut second = 0;
    let mut micro = 0;
    if rest.get(at) == Some(&b':') {
        second = rest.get(at + 1..at + 3).and_then(digits).ok_or_else(bad)?;
        at += 3;
        if rest.get(at) == Some(&b'.') {
            let start = at + 1;
            let end = rest[start..]
                .iter()
                .position(|c| !c.is_ascii_digit())
                .map_or(rest.len(), |n| start + n);
            if end == start {
                return Err(bad());
            }
            // As Python's `fromisoformat`: digits beyond microseconds are dropped.
            let kept = &rest[start..end.min(start + 6)];
            micro = digits(kept).ok_or_else(bad)? * 10i64.pow(6 - kept.len() as u32);
            at = end;
        }
    }
    if hour > 23 {
        return Err(format!("hour {hour} does not exist (hours are 00-23)"));
    }
    if minute > 59 {
        return Err(format!(
            "minute {minute} does not exist (minutes are 00-59)"
        ));
    }
    if second > 59 {
        return Err(format!(
            "second {second} does not exist (seconds are 00-59; leap seconds are not supported)"
        ));
    }
    local += hour * US_PER_HOUR + minute * US_PER_MIN + second * US_PER_SEC + micro;
    let zone = &text[at + 10..];
    let offset = match zone {
        "" => None,
        "Z" | "z" => Some(0),
        _ => Some(
            parse_offset(zone)
                .map_err(|reason| format!("{text:?} has a bad time zone {zone:?}: {reason}"))?,
        ),
    };
    Ok((local, offset))
}

fn month_name(month: i64) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(month.clamp(1, 12) - 1) as usize]
}

// ---------------------------------------------------------------------------------
// Calendar: proleptic Gregorian, as Python's `datetime`

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A wall-clock time in some zone, broken down.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micro: i64,
}

impl Civil {
    /// `us`: microseconds since 1970-01-01T00:00 on the same clock.
    fn of(us: i64) -> Civil {
        let (year, month, day) = civil_from_days(us.div_euclid(US_PER_DAY));
        let t = us.rem_euclid(US_PER_DAY);
        Civil {
            year,
            month,
            day,
            hour: t / US_PER_HOUR,
            minute: t / US_PER_MIN % 60,
            second: t / US_PER_SEC % 60,
            micro: t % US_PER_SEC,
        }
    }

    /// `timetuple()[:6]`.
    fn field(&self, level: usize) -> i64 {
        [
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
        ][level.min(5)]
    }

    /// Python's `strftime` for the codes the formatter uses, on glibc.
    fn strftime(&self, format: &str) -> String {
        let mut out = String::new();
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('b') => out.push_str(MONTHS[(self.month.clamp(1, 12) - 1) as usize]),
                Some('d') => out.push_str(&format!("{:02}", self.day)),
                Some('H') => out.push_str(&format!("{:02}", self.hour)),
                Some('M') => out.push_str(&format!("{:02}", self.minute)),
                Some('S') => out.push_str(&format!("{:02}", self.second)),
                Some('f') => out.push_str(&format!("{:06}", self.micro)),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        out
    }
}

fn in_calendar(us: i64) -> bool {
    (FIRST_US..END_US).contains(&us)
}

/// `t + relativedelta(months=k)`: the same day (clipped to the month's length) and time,
/// k months on; None where the year leaves 1..9999 (`replace` raises ValueError).
fn add_months(t: i64, k: i64) -> Option<i64> {
    let c = Civil::of(t);
    let total = (c.year * 12 + c.month - 1).checked_add(k)?;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    if !(1..=9999).contains(&year) {
        return None;
    }
    let day = c.day.min(days_in_month(year, month));
    Some(days_from_civil(year, month, day) * US_PER_DAY + t.rem_euclid(US_PER_DAY))
}

/// `relativedelta(b, a)` for `a <= b` on one clock: (whole months, the rest in
/// microseconds).
fn relativedelta(a: i64, b: i64) -> Option<(i64, i64)> {
    let (ca, cb) = (Civil::of(a), Civil::of(b));
    let mut months = (cb.year - ca.year) * 12 + (cb.month - ca.month);
    let mut shifted = add_months(a, months)?;
    // dateutil steps back while the shifted start overshoots.
    while b < shifted {
        months -= 1;
        shifted = add_months(a, months)?;
    }
    Some((months, b - shifted))
}

// ---------------------------------------------------------------------------------
// date2num / num2date

/// `num2date(x, tz)` as wall-clock microseconds in the zone: None where matplotlib
/// raises (outside years 1..9999 in UTC, or in the zone).
fn num2date(x: f64, zone: i32) -> Option<i64> {
    let p = libm::rint(x * MUSECONDS_PER_DAY);
    // NaN fails the comparison too.
    if p.is_nan() || p.abs() >= 9.0e18 {
        return None;
    }
    let utc = p as i64;
    if !in_calendar(utc) {
        return None;
    }
    let mut local = utc + i64::from(zone) * US_PER_SEC;
    if !in_calendar(local) {
        return None;
    }
    if x.abs() > 70.0 * 365.0 {
        // `round(dt.microsecond / 20) * 20`, half to even.
        let micro = local.rem_euclid(US_PER_SEC);
        let (q, r) = (micro / 20, micro % 20);
        let q = if r > 10 || (r == 10 && q % 2 == 1) {
            q + 1
        } else {
            q
        };
        local = local - micro + q * 20;
        if !in_calendar(local) {
            return None;
        }
    }
    Some(local)
}

/// `date2num` of an aware datetime: wall-clock microseconds `local` in `zone`. None
/// where `astimezone(UTC)` overflows.
fn date2num(local: i64, zone: i32) -> Option<f64> {
    let utc = local - i64::from(zone) * US_PER_SEC;
    in_calendar(utc).then(|| date2num_utc(utc))
}

/// `_dt64_to_ordinalf`: whole seconds, plus the rest in nanoseconds / 1e9, over 86400.
fn date2num_utc(utc: i64) -> f64 {
    let seconds = utc.div_euclid(US_PER_SEC);
    let extra_ns = utc.rem_euclid(US_PER_SEC) * 1000;
    let mut days = seconds as f64;
    days += extra_ns as f64 / 1.0e9;
    days / 86400.0
}

// ---------------------------------------------------------------------------------
// AutoDateLocator

/// What `AutoDateLocator.get_locator` picked.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Locator {
    /// `YearLocator(base)`.
    Year(i64),
    /// An rrule with interval 1 whose by-set (bits of `set`) is on `unit`.
    Rule { unit: Unit, set: u64 },
    /// `MicrosecondLocator(interval)`.
    Micro(i64),
}

/// The field an rrule's by-set constrains; finer fields are zero.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    /// MONTHLY: the first of the months in the set, at midnight.
    Month,
    /// DAILY: the days of the month in the set, at midnight.
    Day,
    Hour,
    Minute,
    Second,
}

/// `AutoDateLocator.get_locator(dmin, dmax)` with `interval_multiples=True`.
fn get_locator(dmin: i64, dmax: i64, max_ticks: Option<usize>) -> Option<Locator> {
    const DEFAULT_MAX: [usize; 7] = [11, 12, 11, 12, 11, 11, 8];
    const INTERVALS: [&[i64]; 7] = [
        &[
            1, 2, 4, 5, 10, 20, 40, 50, 100, 200, 400, 500, 1000, 2000, 4000, 5000, 10000,
        ],
        &[1, 2, 3, 4, 6],
        // `interval_multiples` swaps DAILY's 3 for 4 and drops 21.
        &[1, 2, 4, 7, 14],
        &[1, 2, 3, 4, 6, 12],
        &[1, 5, 10, 15, 30],
        &[1, 5, 10, 15, 30],
        &[
            1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100_000,
            200_000, 500_000, 1_000_000,
        ],
    ];
    let (months, _) = relativedelta(dmin, dmax)?;
    let tdelta = dmax - dmin;
    // relativedelta's hours and minutes are the timedelta's: dmin shifted by whole
    // months keeps its time of day.
    let day_us = tdelta.rem_euclid(US_PER_DAY);
    let num_years = months.div_euclid(12) as f64;
    let num_months = num_years * 12.0 + months.rem_euclid(12) as f64;
    let num_days = tdelta.div_euclid(US_PER_DAY) as f64;
    let num_hours = num_days * 24.0 + (day_us / US_PER_HOUR) as f64;
    let num_minutes = num_hours * 60.0 + (day_us / US_PER_MIN % 60) as f64;
    let total_seconds = tdelta as f64 / 1e6;
    let num_seconds = libm::floor(total_seconds);
    let num_micros = libm::floor(total_seconds * 1e6);
    let nums = [
        num_years,
        num_months,
        num_days,
        num_hours,
        num_minutes,
        num_seconds,
        num_micros,
    ];
    for (i, &num) in nums.iter().enumerate() {
        if num < MIN_TICKS {
            continue;
        }
        let max = max_ticks.map_or(DEFAULT_MAX[i], |n| n.min(DEFAULT_MAX[i])) as f64;
        let intervals = INTERVALS[i];
        // Past the end of the list matplotlib keeps the last (and warns).
        let interval = intervals
            .iter()
            .copied()
            .find(|&iv| num <= iv as f64 * (max - 1.0))
            .or_else(|| intervals.last().copied())?;
        let step = usize::try_from(interval).ok()?;
        let stepped = |range: std::ops::Range<u32>| -> u64 {
            range.step_by(step).fold(0, |set, v| set | 1 << v)
        };
        return Some(match i {
            0 => Locator::Year(interval),
            1 => Locator::Rule {
                unit: Unit::Month,
                set: stepped(1..13),
            },
            2 => Locator::Rule {
                unit: Unit::Day,
                set: match interval {
                    // "just make first and 15th. Avoids 30th."
                    14 => 1 << 1 | 1 << 15,
                    7 => 1 << 1 | 1 << 8 | 1 << 15 | 1 << 22,
                    _ => stepped(1..32),
                },
            },
            3 => Locator::Rule {
                unit: Unit::Hour,
                set: stepped(0..24),
            },
            4 => Locator::Rule {
                unit: Unit::Minute,
                set: stepped(0..60),
            },
            5 => Locator::Rule {
                unit: Unit::Second,
                set: stepped(0..60),
            },
            _ => Locator::Micro(interval),
        });
    }
    // No frequency gives minticks (a view under 5 µs): the loop ran out on
    // MICROSECONDLY with interval 1.
    Some(Locator::Micro(1))
}

/// `RRuleLocator.tick_values(dmin, dmax)` for the rrules `get_locator` builds.
fn rrule_ticks(dmin: i64, dmax: i64, zone: i32, unit: Unit, set: u64) -> Option<Vec<f64>> {
    let zone_us = i64::from(zone) * US_PER_SEC;
    // `_create_rrule`: dtstart and until one relativedelta beyond the view; where that
    // leaves the calendar, the UTC caps, whose zone the rrule then runs in.
    let (months, rest) = relativedelta(dmin, dmax)?;
    let start = add_months(dmin, -months)
        .map(|t| t - rest)
        .filter(|&t| in_calendar(t));
    let stop = add_months(dmax, months)
        .and_then(|t| t.checked_add(rest))
        .filter(|&t| in_calendar(t));
    let (rule_zone_us, dtstart) = match start {
        Some(t) => (zone_us, t),
        None => (0, FIRST_US),
    };
    let until = match stop {
        Some(t) => t - zone_us + rule_zone_us,
        None => 253_402_300_799 * US_PER_SEC + rule_zone_us,
    };
    if !in_calendar(until) {
        // `until.astimezone(tzinfo)` overflows.
        return None;
    }
    // rrule drops dtstart's microseconds; `between` takes the view in the rule's zone.
    let dtstart = dtstart - dtstart.rem_euclid(US_PER_SEC);
    let after = dmin - zone_us + rule_zone_us;
    let before = dmax - zone_us + rule_zone_us;
    let (low, high) = (after.max(dtstart), before.min(until));
    let rule_zone = i32::try_from(rule_zone_us / US_PER_SEC).ok()?;
    let mut dates = Vec::new();
    for t in candidates(low, high, unit, set)? {
        dates.push(date2num(t, rule_zone)?);
    }
    if dates.is_empty() {
        return Some(vec![date2num(dmin, zone)?, date2num(dmax, zone)?]);
    }
    Some(dates)
}

/// The rrule's occurrences in `[low, high]` (wall-clock microseconds, one zone).
fn candidates(low: i64, high: i64, unit: Unit, set: u64) -> Option<Vec<i64>> {
    let has = |v: i64| (0..64).contains(&v) && set & (1 << v) != 0;
    let mut out = Vec::new();
    if low > high {
        return Some(out);
    }
    if unit == Unit::Month {
        let c = Civil::of(low);
        let first = c.year * 12 + c.month - 1;
        for total in first..first + MAX_CANDIDATES as i64 {
            let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
            let t = days_from_civil(year, month, 1) * US_PER_DAY;
            if t > high {
                return Some(out);
            }
            if t >= low && has(month) {
                out.push(t);
            }
        }
        return None;
    }
    let step = match unit {
        Unit::Day => US_PER_DAY,
        Unit::Hour => US_PER_HOUR,
        Unit::Minute => US_PER_MIN,
        _ => US_PER_SEC,
    };
    // The first whole step at or after `low`.
    let mut t = low.div_euclid(step) * step;
    if t < low {
        t += step;
    }
    for _ in 0..MAX_CANDIDATES {
        if t > high {
            return Some(out);
        }
        let c = Civil::of(t);
        let value = match unit {
            Unit::Day => c.day,
            Unit::Hour => c.hour,
            Unit::Minute => c.minute,
            _ => c.second,
        };
        if has(value) {
            out.push(t);
        }
        t += step;
    }
    None
}

/// `YearLocator(base).tick_values(dmin, dmax)`: Jan 1 of every `base`-th year from the
/// multiple at or below dmin's year to the one at or above dmax's, in or out of view
/// (all of them feed the formatter).
fn year_ticks(dmin: i64, dmax: i64, zone: i32, base: i64) -> Option<Vec<f64>> {
    let (first, last) = (Civil::of(dmin), Civil::of(dmax));
    let ymin = (first.year.div_euclid(base) * base).max(1);
    let ymax = (-(-last.year).div_euclid(base) * base).min(9999);
    // `vmin.replace(year=ymin, month=1, day=1, hour=0, minute=0, second=0)` keeps
    // vmin's microseconds, so with any the first year's tick (at .000000) is before
    // `start` and `between` drops it.
    let start = days_from_civil(ymin, 1, 1) * US_PER_DAY + first.micro;
    let stop = days_from_civil(ymax, 1, 1) * US_PER_DAY + first.micro;
    let mut dates = Vec::new();
    let mut year = ymin;
    while year <= ymax {
        let t = days_from_civil(year, 1, 1) * US_PER_DAY;
        if t >= start && t <= stop {
            dates.push(date2num(t, zone)?);
        }
        year += base;
    }
    if dates.is_empty() {
        // As every RRuleLocator: the view's ends (not start and stop).
        return Some(vec![date2num(dmin, zone)?, date2num(dmax, zone)?]);
    }
    Some(dates)
}

/// `MicrosecondLocator(interval).tick_values(dmin, dmax)`: `MultipleLocator(interval)`
/// in microseconds since the view's first midnight (UTC), back in days.
fn micro_ticks(dmin: i64, dmax: i64, zone: i32, interval: i64) -> Option<Vec<f64>> {
    let nmin = date2num(dmin, zone)?;
    let nmax = date2num(dmax, zone)?;
    let t0 = libm::floor(nmin);
    let nmin = (nmin - t0) * MUSECONDS_PER_DAY;
    let nmax = (nmax - t0) * MUSECONDS_PER_DAY;
    // `MultipleLocator.tick_values` with `_Edge_integer(interval, 0).ge`.
    let step = interval as f64;
    let (d, m) = py_divmod(nmin, step);
    let vmin = if (m / step).abs() < 1e-10 { d } else { d + 1.0 } * step;
    let n = py_divmod(nmax - vmin + 0.001 * step, step).0;
    let count = n + 3.0;
    if !(count.is_finite() && count <= MAX_CANDIDATES as f64) {
        return None;
    }
    let first = vmin - step;
    Some(
        (0..libm::ceil(count).max(0.0) as usize)
            .map(|k| (first + k as f64 * step) / MUSECONDS_PER_DAY + t0)
            .collect(),
    )
}

/// CPython's `divmod` for floats.
fn py_divmod(vx: f64, wx: f64) -> (f64, f64) {
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

// ---------------------------------------------------------------------------------
// ConciseDateFormatter

/// `ConciseDateFormatter.format_ticks(locs)` and `get_offset()` with the default
/// formats. None where `num2date` raises for some tick.
fn concise(locs: &[f64], zone: i32, inverted: bool) -> Option<(Vec<String>, String)> {
    const FORMATS: [&str; 6] = ["%Y", "%b", "%d", "%H:%M", "%H:%M", "%S.%f"];
    const ZERO_FORMATS: [&str; 6] = ["", "%Y", "%b", "%b-%d", "%H:%M", "%H:%M"];
    const OFFSET_FORMATS: [&str; 6] = ["", "%Y", "%Y-%b", "%Y-%b-%d", "%Y-%b-%d", "%Y-%b-%d %H:%M"];
    const ZERO_VALUES: [i64; 6] = [0, 1, 1, 0, 0, 0];
    let dates = locs
        .iter()
        .map(|&x| num2date(x, zone).map(Civil::of))
        .collect::<Option<Vec<Civil>>>()?;
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return Some((Vec::new(), String::new()));
    };

    // The finest field that differs between ticks; all equal (only microseconds
    // differ, or a single tick) counts as seconds.
    let level = (0..6)
        .rev()
        .find(|&level| dates.iter().any(|d| d.field(level) != first.field(level)))
        .unwrap_or(5);
    // A January tick (or year 1) among the labels already names the year.
    let show_offset = !(level < 2 && dates.iter().any(|d| d.field(level) == 1));

    let mut labels: Vec<String> = dates
        .iter()
        .map(|d| {
            let zero = if level < 5 {
                d.field(level) == ZERO_VALUES[level]
            } else {
                d.second == 0 && d.micro == 0
            };
            d.strftime(if zero {
                ZERO_FORMATS[level]
            } else {
                FORMATS[level]
            })
        })
        .collect();
    if level >= 5 {
        // Seconds get the same number of decimals, as few as possible.
        let trailing = labels
            .iter()
            .filter(|s| s.contains('.'))
            .map(|s| s.len() - s.trim_end_matches('0').len())
            .min();
        if let Some(n) = trailing.filter(|&n| n > 0) {
            for label in labels.iter_mut().filter(|s| s.contains('.')) {
                label.truncate(label.len() - n);
                let kept = label.trim_end_matches('.').len();
                label.truncate(kept);
            }
        }
    }
    let offset = if show_offset {
        let tick = if inverted { first } else { last };
        tick.strftime(OFFSET_FORMATS[level])
    } else {
        String::new()
    };
    Some((labels, offset))
}

// ---------------------------------------------------------------------------------

fn ticks(lo: f64, hi: f64, zone: i32, max_ticks: Option<usize>) -> Option<AxisTicks> {
    if !lo.is_finite() || !hi.is_finite() || lo == hi || zone.unsigned_abs() > MAX_ZONE_S as u32 {
        return None;
    }
    let inverted = lo > hi;
    let (lo, hi) = if inverted { (hi, lo) } else { (lo, hi) };
    let dmin = num2date(lo, zone)?;
    let dmax = num2date(hi, zone)?;
    let locs = match get_locator(dmin, dmax, max_ticks)? {
        Locator::Year(base) => year_ticks(dmin, dmax, zone, base)?,
        Locator::Rule { unit, set } => rrule_ticks(dmin, dmax, zone, unit, set)?,
        Locator::Micro(interval) => micro_ticks(dmin, dmax, zone, interval)?,
    };
    let (labels, offset) = concise(&locs, zone, inverted)?;
    // `transforms._interval_contains_close`, as `Axis._update_ticks` draws.
    let slack = (hi - lo) * 1e-10;
    let major = locs
        .iter()
        .zip(labels)
        .filter(|&(&v, _)| v.is_finite() && lo - slack <= v && v <= hi + slack)
        .map(|(&value, label)| Tick {
            value,
            label: Label::plain(label),
        })
        .collect();
    Some(AxisTicks {
        major,
        minor: Vec::new(),
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &AxisTicks) -> Vec<String> {
        t.major.iter().map(|t| t.label.text.clone()).collect()
    }

    #[test]
    fn calendar_round_trips() {
        for days in -800_000..3_000_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=days_in_month(y, m)).contains(&d));
        }
        assert_eq!(days_from_civil(1, 1, 1) * 86400, FIRST_US / US_PER_SEC);
        assert_eq!(days_from_civil(10000, 1, 1) * 86400, END_US / US_PER_SEC);
    }

    #[test]
    fn parses_dates_and_times() {
        // date2num(datetime(...)) in matplotlib.
        assert_eq!(parse_iso("2026-03-01", 0), Ok(20513.0));
        assert_eq!(parse_iso("1970-01-01T12:00:00", 0), Ok(0.5));
        assert_eq!(parse_iso("1970-01-01 12:00", 0), Ok(0.5));
        assert_eq!(parse_iso("1970-01-01t12:00Z", 3600), Ok(0.5));
        assert_eq!(parse_iso("1970-01-01T17:30:00+05:30", 0), Ok(0.5));
        assert_eq!(parse_iso("1970-01-01T17:30:00", 19800), Ok(0.5));
        assert_eq!(parse_iso("1970-01-01T04:00:00-08:00", 19800), Ok(0.5));
        assert_eq!(parse_iso("2026-03-01", -28800), Ok(20513.0 + 1.0 / 3.0));
        // date2num(datetime(2026, 2, 27, 13, 17, 23, 500000))
        assert_eq!(
            parse_iso("2026-02-27T13:17:23.5", 0),
            Ok(20511.553744212964)
        );
        // Digits beyond microseconds are dropped, as by datetime.fromisoformat.
        assert_eq!(
            parse_iso("2026-02-27T13:17:23.5000009", 0),
            parse_iso("2026-02-27T13:17:23.500000", 0)
        );
        assert_eq!(parse_iso("1969-12-31T23:59:59.25", 0), Ok(-0.75 / 86400.0));
        assert_eq!(parse_iso("2024-02-29", 0), Ok(19782.0));
        assert_eq!(parse_iso("0001-01-01", 0), Ok(-719162.0));
        assert_eq!(
            parse_iso("9999-12-31T23:59:59.999999", 0),
            Ok((253_402_300_799.0 + 0.999999) / 86400.0)
        );
    }

    #[test]
    fn rejects_bad_dates_with_a_reason() {
        for (text, reason) in [
            ("2026-02-30", "day 30 does not exist in February 2026"),
            ("2025-02-29", "day 29 does not exist in February 2025"),
            ("2026-04-31", "day 31 does not exist in April"),
            ("2026-13-01", "month 13 does not exist"),
            ("2026-00-10", "month 0 does not exist"),
            ("2026-03-00", "day 0 does not exist"),
            ("0000-03-01", "year 0000 does not exist"),
            ("2026-03-01T25:00", "hour 25 does not exist"),
            ("2026-03-01T24:00:00", "hour 24 does not exist"),
            ("2026-03-01T12:60", "minute 60 does not exist"),
            ("2026-03-01T23:59:60", "second 60 does not exist"),
            ("2026-03-01T12:30:00+25:00", "offset hour 25"),
            ("2026-03-01T12:30:00+05:61", "offset minute 61"),
            ("2026-03-01T12:30:00+0530", "±hh:mm"),
            ("2026-03-01T12:30:00 UTC", "bad time zone"),
            ("2026-03-01T12:30:00.", "is not an ISO 8601 date"),
            ("2026-03-01T12", "is not an ISO 8601 date"),
            ("2026-03-01T1:30", "is not an ISO 8601 date"),
            ("2026-3-1", "is not an ISO 8601 date"),
            ("20260301", "is not an ISO 8601 date"),
            ("2026-03-01X", "is not an ISO 8601 date"),
            ("", "is not an ISO 8601 date"),
            ("march", "is not an ISO 8601 date"),
            ("2026-03-01T12:30:00Zjunk", "bad time zone"),
            (
                "0001-01-01T00:00:00+00:01",
                "outside the years 0001 to 9999",
            ),
            (
                "9999-12-31T23:00:00-01:00",
                "outside the years 0001 to 9999",
            ),
            ("2026-03-01T12:30:00é", "bad time zone"),
            ("２026-03-01", "is not an ISO 8601 date"),
        ] {
            match parse_iso(text, 0) {
                Ok(v) => panic!("{text:?} parsed as {v}"),
                Err(e) => assert!(e.contains(reason), "{text:?}: {e:?} lacks {reason:?}"),
            }
        }
        assert!(parse_iso("2026-03-01", 86400).is_err());
        assert!(parse_iso("2026-03-01", i32::MIN).is_err());
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_timezone("UTC"), Ok(0));
        assert_eq!(parse_timezone("Z"), Ok(0));
        assert_eq!(parse_timezone("+05:30"), Ok(19800));
        assert_eq!(parse_timezone("-08:00"), Ok(-28800));
        assert_eq!(parse_timezone("-00:00"), Ok(0));
        assert_eq!(parse_timezone("+23:59"), Ok(86340));
        for bad in [
            "utc",
            "",
            "+5:30",
            "+05:30:00",
            "05:30",
            "+24:00",
            "-12:60",
            "GMT",
            "+05",
            "+0530",
            "Europe/Paris",
            "+05:3x",
        ] {
            let e = parse_timezone(bad).expect_err(bad);
            assert!(e.contains("is not \"UTC\" or an offset"), "{bad}: {e}");
        }
        assert!(parse_timezone("+24:00").is_err_and(|e| e.contains("offset hour 24")));
    }

    #[test]
    fn looks_like_iso_is_a_shape_test() {
        for yes in [
            "2026-03-01",
            "2026-03",
            "2026-13-45",
            "2026-03-01T99:99",
            "1234-56xyz",
        ] {
            assert!(looks_like_iso(yes), "{yes}");
        }
        for no in [
            "2026",
            "2026-3-1",
            "20260301",
            "Mar 2026",
            "",
            "-2026-03",
            "２026-03-01",
        ] {
            assert!(!looks_like_iso(no), "{no}");
        }
    }

    #[test]
    fn formats_iso() {
        assert_eq!(format_iso(20513.0, 0), "2026-03-01T00:00:00Z");
        assert_eq!(format_iso(20513.25, 19800), "2026-03-01T11:30:00+05:30");
        assert_eq!(format_iso(20513.0, -28800), "2026-02-28T16:00:00-08:00");
        assert_eq!(format_iso(-0.75 / 86400.0, 0), "1969-12-31T23:59:59.25Z");
        assert_eq!(format_iso(-719163.0, 0), "-719163");
        assert_eq!(format_iso(f64::NAN, 0), "NaN");
        for (text, zone) in [
            ("2026-02-27T13:17:23.5Z", 0),
            ("1999-12-31T18:00:00+05:30", 19800),
            ("2100-01-01T00:00:00.00012-08:00", -28800),
            ("0001-01-01T00:00:00Z", 0),
        ] {
            let days = parse_iso(text, 0).unwrap_or(f64::NAN);
            assert_eq!(format_iso(days, zone), text);
        }
    }

    #[test]
    fn a_month_of_days() {
        // The docstring's example of interval_multiples: DAILY every 4 days skips
        // from the 29th to the 1st.
        let lo = parse_iso("2026-03-01", 0).unwrap_or(f64::NAN);
        let t = date_ticks(lo, lo + 31.0, 0, None);
        assert_eq!(
            labels(&t),
            ["Mar", "05", "09", "13", "17", "21", "25", "29", "Apr"]
        );
        assert_eq!(t.offset, "2026-Apr");
        // An inverted axis: same ticks, the offset from the first.
        let t = date_ticks(lo + 31.0, lo, 0, None);
        assert_eq!(t.major.len(), 9);
        assert_eq!(t.offset, "2026-Mar");
        // Capped at 4 ticks per frequency: weekly.
        let t = date_ticks(lo, lo + 31.0, 0, Some(4));
        assert_eq!(labels(&t), ["Mar", "15", "Apr"]);
        assert!(t.minor.is_empty());
    }

    #[test]
    fn years_and_january() {
        let lo = parse_iso("2020-01-01", 0).unwrap_or(f64::NAN);
        let hi = parse_iso("2030-01-01", 0).unwrap_or(f64::NAN);
        let t = date_ticks(lo, hi, 0, None);
        assert_eq!(labels(&t)[..3], ["2020", "2021", "2022"]);
        assert_eq!(t.offset, "");
        // Months including a January: that tick shows the year, and no offset.
        let hi = parse_iso("2020-06-01", 0).unwrap_or(f64::NAN);
        let t = date_ticks(lo, hi, 0, None);
        assert_eq!(labels(&t), ["2020", "Feb", "Mar", "Apr", "May", "Jun"]);
        assert_eq!(t.offset, "");
    }

    #[test]
    fn degenerate_views_give_nothing() {
        for (lo, hi) in [
            (1.0, 1.0),
            (f64::NAN, 1.0),
            (0.0, f64::NAN),
            (f64::NEG_INFINITY, 1.0),
            (0.0, f64::INFINITY),
            (-1e7, 1e7),
            (-719_163.0, -719_100.0),
            (2_932_800.0, 2_932_898.0),
        ] {
            assert_eq!(
                date_ticks(lo, hi, 0, None),
                AxisTicks::default(),
                "{lo} {hi}"
            );
        }
        assert_eq!(date_ticks(0.0, 1.0, 86400, None), AxisTicks::default());
        assert_eq!(date_ticks(0.0, 1.0, i32::MIN, None), AxisTicks::default());
    }

    /// Every input, however odd, returns finite ticks inside the view without
    /// panicking.
    #[test]
    fn never_panics() {
        let specials = [
            0.0,
            -0.0,
            1e-300,
            1e-11,
            1e-6,
            0.5,
            1.0,
            -1.0,
            20513.0,
            25550.0,
            -25551.0,
            1e5,
            -719_162.0,
            -719_161.9,
            -719_162.0 - 1e-9,
            2_932_896.0,
            2_932_896.999,
            2_932_897.0,
            1e7,
            -1e7,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::INFINITY,
            f64::NAN,
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut random = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut pairs = Vec::new();
        for &a in &specials {
            for &b in &specials {
                pairs.push((a, b));
                pairs.push((a, a + b * 1e-12));
                pairs.push((a, a + b.abs().min(1e4)));
            }
        }
        for _ in 0..3000 {
            let lo = -720_000.0 + random() * 3_700_000.0;
            let span = libm::pow(10.0, -11.0 + random() * 18.0);
            pairs.push((lo, lo + span));
        }
        let zones = [
            0,
            19800,
            -28800,
            86399,
            -86399,
            86400,
            i32::MAX,
            i32::MIN,
            1,
            -59,
        ];
        for (i, &(lo, hi)) in pairs.iter().enumerate() {
            let zone = zones[i % zones.len()];
            for max_ticks in [None, Some(0), Some(1), Some(2), Some(7), Some(usize::MAX)] {
                let t = date_ticks(lo, hi, zone, max_ticks);
                let (a, b) = if lo < hi { (lo, hi) } else { (hi, lo) };
                for tick in &t.major {
                    let slack = (b - a) * 1e-10;
                    assert!(
                        tick.value.is_finite()
                            && a - slack <= tick.value
                            && tick.value <= b + slack,
                        "{lo:e} {hi:e} {zone} {max_ticks:?}: {}",
                        tick.value
                    );
                }
                assert!(t.major.len() < 100, "{lo:e} {hi:e}: {}", t.major.len());
            }
            let _ = format_iso(lo, zone);
        }
        for text in [
            "",
            "-",
            "9999-99-99T99:99:99.9999999999999+99:99",
            "\u{0}",
            "2026-03-01T",
        ] {
            let _ = parse_iso(text, 0);
            let _ = parse_timezone(text);
            let _ = looks_like_iso(text);
        }
    }
}

/// The matplotlib oracle table `tests/oracle/dates.json` (tools/mpl-oracle/dates_oracle.py):
/// every case must give matplotlib's major ticks in view, their labels and the offset.
#[cfg(test)]
mod oracle {
    use super::*;
    use serde_json::Value;

    const TABLE: &str = include_str!("../../tests/oracle/dates.json");

    use crate::layout::oracle_fixture::{num, quote_numbers};

    fn check(case: &Value) -> Result<(), String> {
        let field = |k: &str| num(&case[k]).ok_or(format!("bad field {k}"));
        let (lo, hi) = (field("lo")?, field("hi")?);
        let zone = field("zone")? as i32;
        let max_ticks = num(&case["max_ticks"]).map(|n| n as usize);
        let got = if case["inverted"] == true {
            date_ticks(hi, lo, zone, max_ticks)
        } else {
            date_ticks(lo, hi, zone, max_ticks)
        };
        let want: Vec<(f64, String)> = case["major"]
            .as_array()
            .ok_or("bad major list")?
            .iter()
            .map(|t| Some((num(&t["value"])?, t["label"].as_str()?.to_string())))
            .collect::<Option<_>>()
            .ok_or("bad tick")?;
        let mut errors = Vec::new();
        let same = want.len() == got.major.len()
            && want
                .iter()
                .zip(&got.major)
                .all(|((v, l), t)| (v - t.value).abs() <= 1e-9 && *l == t.label.text);
        if !same {
            let got: Vec<(f64, &str)> = got
                .major
                .iter()
                .map(|t| (t.value, t.label.text.as_str()))
                .collect();
            errors.push(format!("major: want {want:?}\n        got  {got:?}"));
        }
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
        let table: Value = serde_json::from_str(&quote_numbers(TABLE)).expect("dates.json is JSON");
        assert_eq!(table["matplotlib"], "3.10.7");
        let cases = table["cases"].as_array().expect("a list of cases");
        assert!(cases.len() >= 150);
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|case| {
                check(case).err().map(|e| {
                    format!(
                        "{} (lo {}, hi {}, zone {}):\n    {e}",
                        case["id"], case["lo"], case["hi"], case["zone"]
                    )
                })
            })
            .collect();
        println!(
            "dates.json: {} of {} cases match matplotlib",
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
