//! Box plot statistics as matplotlib computes them (`matplotlib.cbook.boxplot_stats`
//! with a float `whis`, no bootstrap, no autorange), down to the last bit: the
//! quartiles are numpy's default (`linear`) percentiles with numpy's own lerp, and the
//! mean is numpy's pairwise sum divided by the count. `tests/oracle/boxstats.json`
//! (made by `tools/mpl-oracle/box_oracle.py`) holds matplotlib's answers.

/// What a box and its whiskers show, as `boxplot_stats` returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoxStats {
    pub mean: f64,
    pub med: f64,
    pub q1: f64,
    pub q3: f64,
    pub iqr: f64,
    /// Notch ends: `med ∓ 1.57 × iqr / √n`.
    pub cilo: f64,
    pub cihi: f64,
    /// Whisker ends: data values (or a quartile, when no datum lies between it and
    /// its fence).
    pub whislo: f64,
    pub whishi: f64,
    /// The values beyond the whiskers: those below `whislo` in data order, then those
    /// above `whishi` in data order.
    pub fliers: Vec<f64>,
}

/// Statistics of one box, as matplotlib.cbook.boxplot_stats(data, whis=whis) (whis a
/// float multiple of the IQR). `None` values (gaps) are dropped first. Empty data ->
/// None (matplotlib gives NaNs; the renderer draws nothing).
///
/// NaN cannot reach here (validation refuses it); were it to, it is dropped like a
/// gap rather than turning every statistic into NaN as numpy would.
pub fn boxplot_stats(data: &[Option<f64>], whis: f64) -> Option<BoxStats> {
    let values: Vec<f64> = data
        .iter()
        .flatten()
        .copied()
        .filter(|v| !v.is_nan())
        .collect();
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.clone();
    sorted.sort_by(f64::total_cmp);
    let count = values.len();
    let mean = pairwise_sum(&values) / count as f64;
    let q1 = percentile(&sorted, 0.25);
    let med = percentile(&sorted, 0.5);
    let q3 = percentile(&sorted, 0.75);
    let iqr = q3 - q1;
    let notch = 1.57 * iqr / (count as f64).sqrt();
    let (cilo, cihi) = (med - notch, med + notch);

    let hival = q3 + whis * iqr;
    let loval = q1 - whis * iqr;
    // The largest datum within the fence, or q3 when there is none or it is below q3;
    // the tests are matplotlib's, so that a NaN quartile (from infinite data) takes
    // the same branch.
    let whishi = match max_of(values.iter().copied().filter(|&v| v <= hival)) {
        Some(high) if high < q3 => q3,
        Some(high) => high,
        None => q3,
    };
    let whislo = match min_of(values.iter().copied().filter(|&v| v >= loval)) {
        Some(low) if low > q1 => q1,
        Some(low) => low,
        None => q1,
    };
    let fliers = values
        .iter()
        .copied()
        .filter(|&v| v < whislo)
        .chain(values.iter().copied().filter(|&v| v > whishi))
        .collect();
    Some(BoxStats {
        mean,
        med,
        q1,
        q3,
        iqr,
        cilo,
        cihi,
        whislo,
        whishi,
        fliers,
    })
}

/// numpy's `np.percentile(a, 100 × q)` (method `linear`) of ascending, non-empty
/// `sorted`: the virtual index `(n - 1) × q` (exact for these q), the neighbours at
/// its floor and the next index (both the last value past the end), and numpy's
/// `_lerp`, which interpolates from the nearer end.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let virtual_index = (sorted.len() - 1) as f64 * q;
    let previous_index = virtual_index.floor();
    let (a, b) = if virtual_index >= (sorted.len() - 1) as f64 {
        (last, last)
    } else {
        let at = previous_index as usize;
        match (sorted.get(at), sorted.get(at + 1)) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (last, last),
        }
    };
    let t = virtual_index - previous_index;
    let difference = b - a;
    if t >= 0.5 {
        b - difference * (1.0 - t)
    } else {
        a + difference * t
    }
}

/// numpy's pairwise summation (`pairwise_sum_DOUBLE`, `pairwise_sum_FLOAT`), which
/// `np.mean` and `x.sum()` use: the order of additions decides the last bits of a mean
/// or of a pie's shares, in float64 and float32 alike.
pub(crate) fn pairwise_sum<T>(values: &[T]) -> T
where
    T: Copy + Default + std::ops::Add<Output = T>,
{
    const BLOCK: usize = 128;
    let n = values.len();
    if n < 8 {
        values.iter().fold(T::default(), |sum, &v| sum + v)
    } else if n <= BLOCK {
        let mut lanes = [T::default(); 8];
        lanes.copy_from_slice(&values[..8]);
        let whole = n - n % 8;
        for chunk in values[8..whole].chunks_exact(8) {
            for (lane, &v) in lanes.iter_mut().zip(chunk) {
                *lane = *lane + v;
            }
        }
        let head = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
            + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        values[whole..].iter().fold(head, |sum, &v| sum + v)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise_sum(&values[..half]) + pairwise_sum(&values[half..])
    }
}

fn max_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.reduce(|max, v| if v > max { v } else { max })
}

fn min_of(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.reduce(|min, v| if v < min { v } else { min })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(data: &[f64]) -> Vec<Option<f64>> {
        data.iter().copied().map(Some).collect()
    }

    #[test]
    fn empty_and_all_gaps_have_no_box() {
        assert_eq!(boxplot_stats(&[], 1.5), None);
        assert_eq!(boxplot_stats(&[None, None], 1.5), None);
        assert_eq!(boxplot_stats(&[Some(f64::NAN)], 1.5), None);
    }

    #[test]
    fn tukey_box_of_small_integers() {
        let stats = boxplot_stats(&values(&[1.0, 2.0, 3.0, 4.0, 100.0]), 1.5).expect("a box");
        assert_eq!((stats.q1, stats.med, stats.q3), (2.0, 3.0, 4.0));
        assert_eq!((stats.whislo, stats.whishi), (1.0, 4.0));
        assert_eq!(stats.fliers, vec![100.0]);
        assert_eq!(stats.mean, 22.0);
    }

    #[test]
    fn infinite_data_does_not_panic() {
        for data in [
            vec![f64::INFINITY, 1.0, f64::NEG_INFINITY],
            vec![f64::INFINITY; 3],
            vec![f64::MAX, -f64::MAX, f64::MAX],
        ] {
            for whis in [0.0, 1.5, f64::INFINITY, -1.0] {
                let _ = boxplot_stats(&values(&data), whis);
            }
        }
    }

    #[test]
    fn pairwise_sum_splits_as_numpy_does() {
        // 1e16 + 1 rounds the 1 away one addition at a time, but not in the lanes.
        let mut data = vec![1e16];
        data.extend(std::iter::repeat_n(1.0, 15));
        assert_eq!(pairwise_sum(&data), 1e16 + 8.0 + 6.0);
        let long: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.1).collect();
        assert!((pairwise_sum(&long) - 49950.0).abs() < 1e-9);
    }

    /// Every case of `tests/oracle/boxstats.json`, matplotlib 3.10.7's
    /// `boxplot_stats`, within 1e-12 relative. They are the same doubles, except that
    /// numpy's vectorized min and max may pick -0.0 among equal zeros where the data
    /// had 0.0 first.
    mod oracle {
        use super::super::{boxplot_stats, BoxStats};
        use serde_json::Value;

        const ORACLE: &str = include_str!("../../tests/oracle/boxstats.json");
        const TOLERANCE: f64 = 1e-12;

        /// The oracle writes doubles as strings (Python's repr): serde_json without
        /// `float_roundtrip` may parse a JSON number 1 ulp off, `str::parse` does not.
        fn number(value: &Value) -> Result<f64, String> {
            value
                .as_str()
                .ok_or_else(|| format!("{value} is not a string"))?
                .parse::<f64>()
                .map_err(|error| format!("{value}: {error}"))
        }

        fn numbers(value: &Value) -> Result<Vec<f64>, String> {
            value
                .as_array()
                .ok_or_else(|| format!("{value} is not an array"))?
                .iter()
                .map(number)
                .collect()
        }

        fn close(have: f64, want: f64) -> bool {
            have == want || (have - want).abs() <= TOLERANCE * want.abs().max(have.abs())
        }

        /// How `have` compares with matplotlib's `want`: one line per difference, and
        /// whether every value is the same double.
        fn compare(have: Option<&BoxStats>, want: &Value) -> Result<(Vec<String>, bool), String> {
            let (have, want) = match (have, want) {
                (None, Value::Null) => return Ok((Vec::new(), true)),
                (None, _) => return Ok((vec!["no box, matplotlib has one".to_owned()], false)),
                (Some(have), Value::Null) => {
                    return Ok((vec![format!("{have:?}, expected none")], false))
                }
                (Some(have), want) => (have, want),
            };
            let fields = [
                ("mean", have.mean),
                ("med", have.med),
                ("q1", have.q1),
                ("q3", have.q3),
                ("iqr", have.iqr),
                ("cilo", have.cilo),
                ("cihi", have.cihi),
                ("whislo", have.whislo),
                ("whishi", have.whishi),
            ];
            let mut differences = Vec::new();
            let mut exact = true;
            for (name, value) in fields {
                let expected = number(&want[name])?;
                exact &= value.to_bits() == expected.to_bits();
                if !close(value, expected) {
                    differences.push(format!("{name} {value:?}, expected {expected:?}"));
                }
            }
            let fliers = numbers(&want["fliers"])?;
            let pairs = || have.fliers.iter().zip(&fliers);
            let same_count = have.fliers.len() == fliers.len();
            exact &= same_count && pairs().all(|(a, b)| a.to_bits() == b.to_bits());
            if !(same_count && pairs().all(|(&a, &b)| close(a, b))) {
                differences.push(format!("fliers {:?}, expected {fliers:?}", have.fliers));
            }
            Ok((differences, exact))
        }

        fn data(case: &Value) -> Result<(Vec<Option<f64>>, f64), String> {
            let data = case["data"]
                .as_array()
                .ok_or("no data")?
                .iter()
                .map(|v| {
                    if v.is_null() {
                        Ok(None)
                    } else {
                        number(v).map(Some)
                    }
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((data, number(&case["whis"])?))
        }

        #[test]
        fn every_case_is_matplotlibs() {
            let oracle: Value = match serde_json::from_str(ORACLE) {
                Ok(oracle) => oracle,
                Err(error) => panic!("boxstats.json: {error}"),
            };
            let Some(cases) = oracle["cases"].as_array() else {
                panic!("boxstats.json has no cases");
            };
            let mut failures = Vec::new();
            let mut exact = 0;
            for case in cases {
                let name = case["name"].as_str().unwrap_or("?");
                let compared = data(case).and_then(|(data, whis)| {
                    compare(boxplot_stats(&data, whis).as_ref(), &case["expected"])
                });
                match compared {
                    Ok((differences, bits)) if differences.is_empty() => exact += usize::from(bits),
                    Ok((differences, _)) => {
                        failures.push(format!("{name}: {}", differences.join("; ")))
                    }
                    Err(error) => failures.push(format!("{name}: unreadable case: {error}")),
                }
            }
            eprintln!(
                "boxstats oracle: {} of {} cases pass, {exact} bit for bit",
                cases.len() - failures.len(),
                cases.len()
            );
            assert!(cases.len() >= 60, "only {} cases", cases.len());
            assert!(
                failures.is_empty(),
                "{} of {} cases differ from matplotlib:\n{}",
                failures.len(),
                cases.len(),
                failures.join("\n")
            );
        }
    }
}
