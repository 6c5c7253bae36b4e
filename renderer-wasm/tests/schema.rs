//! The checked-in `schema.json` (repository root) is generated from the spec types;
//! this test fails when it is stale. Regenerate with
//! `PLOTBOX_BLESS=1 cargo test --release -p renderer-wasm --test schema`.

use std::path::PathBuf;

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema.json")
}

#[test]
fn checked_in_schema_is_current() {
    let generated = renderer_wasm::schema_json();
    let path = schema_path();
    if std::env::var_os("PLOTBOX_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write schema.json");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "schema.json is stale: regenerate it with PLOTBOX_BLESS=1 cargo test --release -p renderer-wasm --test schema"
    );
}

#[test]
fn schema_describes_every_series_type_and_denies_unknown_fields() {
    let schema: serde_json::Value =
        serde_json::from_str(&renderer_wasm::schema_json()).expect("schema is JSON");
    let text = schema.to_string();
    for kind in renderer_wasm::spec::Series::TYPES {
        assert!(
            text.contains(&format!("\"const\":\"{kind}\"")),
            "no schema for series type {kind}"
        );
    }
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    assert!(schema["properties"]["axes"].is_object());
}
