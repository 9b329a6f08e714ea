//! The WebAssembly boundary: the only module with `#[wasm_bindgen]`.
//! JS functions, the `SobotError` objects and type conversions; no logic that
//! the layers above could hold.
