//! Reading the file an admin picked with an `<input type="file">`, as text.

use wasm_bindgen_futures::JsFuture;

/// The picked file's name and text (the browser decodes it as UTF-8); `None` when the
/// picker was closed without a file.
pub async fn read_text(input: &web_sys::HtmlInputElement) -> Result<Option<(String, String)>, String> {
    let Some(file) = input.files().and_then(|files| files.get(0)) else {
        return Ok(None);
    };
    let text = JsFuture::from(file.text())
        .await
        .map_err(|e| e.as_string().unwrap_or_else(|| "the file could not be read".into()))?;
    Ok(text.as_string().map(|text| (file.name(), text)))
}
