//! The colorbar beside a heatmap's axes: the colormap as a vertical strip with its own
//! value ticks on the right, as matplotlib's `fig.colorbar(im)`.

use super::axis::{self, AxisScale, Direction, Limits, TickSource};
use super::colormap;
use super::series::ColorbarSpec;
use super::theme::{Palette, Style};
use super::ticker::AxisTicks;
use super::{beside, snap_line, tick_label};
use crate::scene::{Anchor, Baseline, Point, Rect, Scene, Shape};

/// Gap between the plot area and the strip, as a fraction of the plot's width
/// (`fig.colorbar`'s `pad`).
pub const PAD_FRACTION: f64 = 0.05;
/// The strip's height over its width (`fig.colorbar`'s `aspect`).
const ASPECT: f64 = 20.0;
/// Bands the strip is painted in: enough that steps are invisible, few enough to stay
/// cheap.
const BANDS: usize = 64;

/// Width of the strip for a plot `height` px tall.
fn strip_width(height: f64) -> f64 {
    (height / ASPECT).round().max(1.0)
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
pub fn ticks(spec: &ColorbarSpec, height: f64, style: &Style) -> AxisTicks {
    axis::choose_ticks(
        None,
        &TickSource::Auto,
        &scale(spec, 0.0, height),
        Direction::Vertical,
        style,
    )
}

/// The width the colorbar takes to the right of the plot, not counting the gap
/// between them ([`PAD_FRACTION`] of the plot's width).
pub fn width(height: f64, ticks: &AxisTicks, style: &Style) -> f64 {
    let labels = ticks
        .major
        .iter()
        .map(|t| axis::label_width(&t.label, style))
        .fold(0.0, f64::max);
    strip_width(height) + style.tick_length.round() + style.tick_pad + labels
}

/// Draws the colorbar to the right of `plot`.
pub fn draw(
    scene: &mut Scene,
    spec: &ColorbarSpec,
    plot: Rect,
    ticks: &AxisTicks,
    palette: &Palette,
    style: &Style,
) {
    let strip = Rect {
        x: (plot.right() + PAD_FRACTION * plot.w).round(),
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
    let tick_length = style.tick_length.round();
    let hairline = Style::hairline(style.tick_width);
    for tick in &ticks.major {
        let Some(y) = values.px(tick.value) else {
            continue;
        };
        let row = snap_line(y, hairline, strip.y, strip.bottom());
        scene.push(
            None,
            Shape::fill_rect(strip.right(), row, tick_length, hairline, fg),
        );
        scene.push(
            None,
            tick_label(
                &tick.label,
                beside(strip.right() + tick_length + style.tick_pad, y, style),
                Anchor::Start,
                fg,
                style,
            ),
        );
    }
    if !ticks.offset.is_empty() {
        // matplotlib puts a colorbar's offset text above its strip.
        scene.push(
            None,
            Shape::Text(crate::scene::Text {
                at: Point {
                    x: strip.x,
                    y: strip.y - style.tick_pad,
                },
                text: ticks.offset.clone(),
                superscript: None,
                size: style.font_size,
                color: fg,
                anchor: Anchor::Start,
                baseline: Baseline::Bottom,
                rotation: 0.0,
                family: style.family,
            }),
        );
    }
}
