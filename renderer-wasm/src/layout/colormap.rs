//! Colormaps for heatmaps: small lookup tables sampled from matplotlib's own maps at 17
//! evenly spaced points (0, 1/16, ..., 1) and interpolated linearly between them.
//!
//! 17 samples keep the module small while staying within a couple of 8-bit steps of
//! matplotlib's 256-entry tables; the perceptual maps are smooth enough that linear
//! interpolation between samples is invisible.

use crate::scene::Color;
use crate::spec::Colormap;

type Table = [[u8; 3]; 17];

#[rustfmt::skip]
const VIRIDIS: Table = [
    [68, 1, 84], [72, 24, 106], [71, 45, 123], [66, 64, 134], [59, 82, 139], [51, 99, 141],
    [44, 114, 142], [38, 130, 142], [33, 145, 140], [31, 160, 136], [40, 174, 128],
    [63, 188, 115], [94, 201, 98], [132, 212, 75], [173, 220, 48], [216, 226, 25],
    [253, 231, 37],
];
#[rustfmt::skip]
const PLASMA: Table = [
    [13, 8, 135], [49, 5, 151], [76, 2, 161], [102, 0, 167], [126, 3, 168], [149, 17, 161],
    [170, 35, 149], [188, 53, 135], [204, 71, 120], [218, 90, 106], [230, 108, 92],
    [240, 128, 78], [248, 149, 64], [253, 172, 51], [253, 197, 39], [248, 223, 37],
    [240, 249, 33],
];
#[rustfmt::skip]
const INFERNO: Table = [
    [0, 0, 4], [11, 7, 36], [33, 12, 74], [61, 9, 101], [87, 16, 110], [113, 25, 110],
    [138, 34, 106], [163, 44, 97], [188, 55, 84], [210, 70, 68], [228, 90, 49],
    [241, 115, 29], [249, 142, 9], [252, 172, 17], [249, 203, 53], [242, 234, 105],
    [252, 255, 164],
];
#[rustfmt::skip]
const MAGMA: Table = [
    [0, 0, 4], [10, 8, 34], [29, 17, 71], [54, 16, 107], [81, 18, 124], [106, 28, 129],
    [131, 38, 129], [156, 46, 127], [183, 55, 121], [208, 65, 111], [231, 82, 99],
    [245, 107, 92], [252, 137, 97], [254, 167, 114], [254, 196, 136], [253, 226, 163],
    [252, 253, 191],
];
#[rustfmt::skip]
const CIVIDIS: Table = [
    [0, 34, 78], [0, 46, 106], [26, 56, 111], [50, 67, 109], [67, 78, 108], [83, 90, 109],
    [97, 101, 111], [111, 112, 115], [125, 124, 120], [140, 136, 120], [155, 148, 118],
    [171, 160, 114], [188, 174, 108], [205, 187, 99], [222, 201, 88], [240, 216, 70],
    [254, 232, 56],
];
#[rustfmt::skip]
const GRAY: Table = [
    [0, 0, 0], [16, 16, 16], [32, 32, 32], [48, 48, 48], [64, 64, 64], [80, 80, 80],
    [96, 96, 96], [112, 112, 112], [128, 128, 128], [144, 144, 144], [160, 160, 160],
    [176, 176, 176], [192, 192, 192], [208, 208, 208], [224, 224, 224], [240, 240, 240],
    [255, 255, 255],
];
#[rustfmt::skip]
const GREYS: Table = [
    [255, 255, 255], [247, 247, 247], [240, 240, 240], [228, 228, 228], [217, 217, 217],
    [203, 203, 203], [189, 189, 189], [169, 169, 169], [149, 149, 149], [132, 132, 132],
    [114, 114, 114], [98, 98, 98], [81, 81, 81], [58, 58, 58], [36, 36, 36], [17, 17, 17],
    [0, 0, 0],
];
#[rustfmt::skip]
const BLUES: Table = [
    [247, 251, 255], [234, 243, 251], [222, 235, 247], [210, 227, 243], [198, 219, 239],
    [178, 210, 232], [157, 202, 225], [132, 188, 219], [106, 174, 214], [86, 160, 206],
    [65, 145, 198], [49, 129, 189], [32, 112, 180], [20, 96, 168], [8, 80, 155],
    [8, 64, 130], [8, 48, 107],
];
#[rustfmt::skip]
const REDS: Table = [
    [255, 245, 240], [254, 234, 225], [254, 224, 210], [253, 205, 185], [252, 187, 161],
    [252, 166, 137], [252, 146, 114], [251, 125, 93], [251, 105, 74], [245, 82, 58],
    [238, 58, 44], [220, 41, 36], [202, 24, 29], [183, 19, 25], [163, 15, 21], [132, 7, 17],
    [103, 0, 13],
];
#[rustfmt::skip]
const COOLWARM: Table = [
    [59, 76, 192], [78, 104, 216], [98, 130, 234], [119, 154, 247], [141, 176, 254],
    [163, 194, 254], [185, 208, 249], [204, 217, 237], [221, 220, 220], [236, 211, 197],
    [245, 196, 172], [247, 176, 147], [244, 152, 122], [235, 125, 98], [221, 95, 75],
    [202, 59, 55], [180, 4, 38],
];

fn table(map: Colormap) -> &'static Table {
    match map {
        Colormap::Viridis => &VIRIDIS,
        Colormap::Plasma => &PLASMA,
        Colormap::Inferno => &INFERNO,
        Colormap::Magma => &MAGMA,
        Colormap::Cividis => &CIVIDIS,
        Colormap::Gray => &GRAY,
        Colormap::Greys => &GREYS,
        Colormap::Blues => &BLUES,
        Colormap::Reds => &REDS,
        Colormap::Coolwarm => &COOLWARM,
    }
}

/// The color at `t` in 0..1 (clamped; NaN maps to the low end).
pub fn sample(map: Colormap, t: f64) -> Color {
    let table = table(map);
    let last = (table.len() - 1) as f64;
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let position = t * last;
    let index = (position.floor() as usize).min(table.len() - 2);
    let fraction = position - index as f64;
    let [r0, g0, b0] = table[index];
    let [r1, g1, b1] = table[index + 1];
    let mix =
        |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * fraction).round() as u8;
    Color::rgb(mix(r0, r1), mix(g0, g1), mix(b0, b1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle_match_matplotlib() {
        assert_eq!(sample(Colormap::Viridis, 0.0), Color::rgb(68, 1, 84));
        assert_eq!(sample(Colormap::Viridis, 1.0), Color::rgb(253, 231, 37));
        // matplotlib's viridis(0.5) is (33, 145, 140).
        assert_eq!(sample(Colormap::Viridis, 0.5), Color::rgb(33, 145, 140));
        assert_eq!(sample(Colormap::Gray, 0.25), Color::rgb(64, 64, 64));
    }

    #[test]
    fn out_of_range_and_nan_clamp() {
        assert_eq!(sample(Colormap::Magma, -3.0), sample(Colormap::Magma, 0.0));
        assert_eq!(sample(Colormap::Magma, 7.0), sample(Colormap::Magma, 1.0));
        assert_eq!(
            sample(Colormap::Magma, f64::NAN),
            sample(Colormap::Magma, 0.0)
        );
    }

    #[test]
    fn interpolates_between_samples() {
        // Halfway between gray samples 0 (0) and 1 (16).
        assert_eq!(sample(Colormap::Gray, 0.5 / 16.0), Color::rgb(8, 8, 8));
    }
}
