//! Layout: a [`ValidFigure`] becomes a [`Scene`].
use crate::error::RenderError;
use crate::scene::Scene;
use crate::validate::ValidFigure;

/// Lays out the whole figure.
pub fn build_scene(figure: &ValidFigure) -> Result<Scene, RenderError> {
    Ok(Scene::new(figure.width, figure.height, None))
}
