//! The scene: what layout produces and the encoders consume.
//!
//! A scene is a flat list of drawing primitives in CSS pixels (y down), each with an
//! optional clip rectangle (the plot area of its axes). Layout decides every position;
//! the SVG and PNG encoders only translate primitives, so both show the same picture.
//! Coordinates are `f64` so that nothing is snapped to whole pixels before the encoder
//! knows the device scale.

/// An sRGB color with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    /// Opacity, 0..1.
    pub a: f64,
}

impl Color {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b, a: 1.0 }
    }

    /// The same color with its opacity multiplied by `alpha`.
    pub fn with_alpha(self, alpha: f64) -> Self {
        Color {
            a: self.a * alpha,
            ..self
        }
    }
}

/// An axis-aligned rectangle: top-left corner and size, in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// How a line is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub color: Color,
    pub width: f64,
    /// Dash pattern (on, off, ...) in px; empty for solid.
    pub dash: Vec<f64>,
}

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// Vertical anchor of a text: which part of the line box sits at the anchor point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Top,
    Middle,
    /// The alphabetic baseline.
    Alphabetic,
    Bottom,
}

/// One line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// The anchor point.
    pub at: Point,
    pub text: String,
    /// Text raised and smaller after `text`: the exponent of a `10^3` tick label
    /// (matplotlib's mathtext superscript).
    pub superscript: Option<String>,
    /// Font size in px.
    pub size: f64,
    pub color: Color,
    pub anchor: Anchor,
    pub baseline: Baseline,
    /// Rotation in degrees about the anchor point, counter-clockwise (90 = reads
    /// bottom to top, as a y axis label).
    pub rotation: f64,
    /// The font family; characters it lacks come from the fallback fonts (see
    /// [`crate::text::runs`]).
    pub family: crate::fonts::FamilyId,
}

/// A drawing primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled axis-aligned rectangle (backgrounds, bars, heatmap cells, and 1-px grid
    /// lines and ticks, which are far cheaper to fill than to stroke).
    Rect {
        rect: Rect,
        fill: Color,
    },
    /// A polyline (`closed: false`) or polygon (`closed: true`), filled and/or stroked.
    Path {
        points: Vec<Point>,
        closed: bool,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    /// A circle (scatter markers, `o` markers).
    Circle {
        center: Point,
        radius: f64,
        fill: Option<Color>,
        stroke: Option<Stroke>,
    },
    Text(Text),
}

impl Shape {
    /// A filled axis-aligned rectangle from its top-left corner and size.
    pub fn fill_rect(x: f64, y: f64, w: f64, h: f64, fill: Color) -> Shape {
        Shape::Rect {
            rect: Rect { x, y, w, h },
            fill,
        }
    }
}

/// A primitive and the rectangle it is clipped to.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub clip: Option<Rect>,
    pub shape: Shape,
}

/// A whole picture.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Size in CSS pixels.
    pub width: f64,
    pub height: f64,
    /// `None` is a transparent background.
    pub background: Option<Color>,
    /// Painted in order; later items are on top.
    pub items: Vec<Item>,
}

impl Scene {
    pub fn new(width: f64, height: f64, background: Option<Color>) -> Self {
        Scene {
            width,
            height,
            background,
            items: Vec::new(),
        }
    }

    pub fn push(&mut self, clip: Option<Rect>, shape: Shape) {
        self.items.push(Item { clip, shape });
    }
}
