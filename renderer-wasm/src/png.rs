//! PNG encoder.
use crate::error::RenderError;
use crate::scene::Scene;

/// Rasterizes a scene at `scale` and encodes it as PNG.
pub fn encode(_scene: &Scene, _scale: f64) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::internal("png: not yet"))
}
