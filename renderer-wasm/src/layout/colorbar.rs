//! The colorbar beside a heatmap's axes: the colormap as a vertical strip with its own
//! value ticks on the right, as matplotlib's `fig.colorbar(im)`.

use super::axis::{self, AxisScale, Direction, Limits, TickSource};
use super::colormap;
use super::series::ColorbarSpec;
use super::theme::{Palette, TICK_LABEL_SIZE, TICK_LENGTH, TICK_PAD};
use super::ticks::Tick;
use super::{snap_line, tick_label};
use crate::scene::{Anchor, Rect, Scene, Shape};
use crate::text;

/// Gap between the plot area and the strip.
const PAD: f64 = 10.0;
/// Bands the strip is painted in: enough that steps are invisible, few enough to stay
/// cheap.
const BANDS: usize = 64;

/// Width of the strip for a plot `height` px tall (matplotlib's aspect 20, bounded).
fn strip_width(height: f64) -> f64 {
    (height / 20.0).clamp(8.0, 18.0).round()
}

fn scale(spec: &ColorbarSpec, top: f64, bottom: f64) -> AxisScale {
    AxisScale::new(
        Limits {
            lo: spec.vmin,
            hi: spec.vmax,
            log: false,
        },
        bottom,
        top,
    )
}

/// The ticks of a colorbar beside a plot `height` px tall.
pub fn ticks(spec: &ColorbarSpec, height: f64) -> Vec<Tick> {
    axis::choose_ticks(
        None,
        &TickSource::Auto,
        &scale(spec, 0.0, height),
        Direction::Vertical,
    )
}

/// The width the colorbar takes to the right of the plot.
pub fn width(height: f64, ticks: &[Tick]) -> f64 {
    let labels = ticks
        .iter()
        .map(|t| text::measure(&t.label, TICK_LABEL_SIZE))
        .fold(0.0, f64::max);
    PAD + strip_width(height) + TICK_LENGTH.round() + TICK_PAD + labels
}

/// Draws the colorbar to the right of `plot`.
pub fn draw(scene: &mut Scene, spec: &ColorbarSpec, plot: Rect, ticks: &[Tick], palette: &Palette) {
    let strip = Rect {
        x: (plot.right() + PAD).round(),
        y: plot.y,
        w: strip_width(plot.h),
        h: plot.h,
    };
    for band in 0..BANDS {
        // Band edges on whole pixels, so that bands meet without seams.
        let top = (strip.bottom() - strip.h * (band + 1) as f64 / BANDS as f64).round();
        let bottom = (strip.bottom() - strip.h * band as f64 / BANDS as f64).round();
        if bottom > top {
            let t = (band as f64 + 0.5) / BANDS as f64;
            scene.push(
                None,
                Shape::Rect {
                    rect: Rect {
                        x: strip.x,
                        y: top,
                        w: strip.w,
                        h: bottom - top,
                    },
                    fill: colormap::sample(spec.map, t),
                },
            );
        }
    }
    let fg = palette.foreground;
    for edge in [
        Rect {
            x: strip.x,
            y: strip.y,
            w: strip.w,
            h: 1.0,
        },
        Rect {
            x: strip.x,
            y: strip.bottom() - 1.0,
            w: strip.w,
            h: 1.0,
        },
        Rect {
            x: strip.x,
            y: strip.y,
            w: 1.0,
            h: strip.h,
        },
        Rect {
            x: strip.right() - 1.0,
            y: strip.y,
            w: 1.0,
            h: strip.h,
        },
    ] {
        scene.push(
            None,
            Shape::Rect {
                rect: edge,
                fill: fg,
            },
        );
    }
    let values = scale(spec, strip.y, strip.bottom());
    let tick_length = TICK_LENGTH.round();
    for tick in ticks {
        let Some(y) = values.px(tick.value) else {
            continue;
        };
        let row = snap_line(y, strip.y, strip.bottom());
        scene.push(
            None,
            Shape::fill_rect(strip.right(), row, tick_length, 1.0, fg),
        );
        scene.push(
            None,
            tick_label(
                &tick.label,
                y,
                strip.right() + tick_length + TICK_PAD,
                Anchor::Start,
                true,
                fg,
            ),
        );
    }
}
