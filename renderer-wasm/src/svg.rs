//! SVG encoder.
use crate::scene::Scene;

/// Encodes a scene as an SVG document.
pub fn encode(scene: &Scene) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\"></svg>",
        scene.width, scene.height
    )
}
