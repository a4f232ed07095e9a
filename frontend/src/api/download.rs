//! Saving a response body as a file. A plain link cannot carry the bearer token, so the
//! SPA fetches the file itself and hands the browser a Blob to save.

use std::time::Duration;

use gloo_net::http::Response;
use leptos::prelude::{document, set_timeout};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::ApiError;

/// Saves the body under the name the server suggests (or `fallback_name`), and returns the
/// name used.
pub(super) async fn save(response: Response, fallback_name: &str) -> Result<String, ApiError> {
    let name = response
        .headers()
        .get("Content-Disposition")
        .as_deref()
        .and_then(attachment_filename)
        .unwrap_or_else(|| fallback_name.to_owned());
    // The browser collects the body itself; a large export never passes through WASM memory.
    let body = web_sys::Response::from(response)
        .blob()
        .map_err(|e| ApiError::Network(describe(&e)))?;
    let blob: web_sys::Blob = JsFuture::from(body)
        .await
        .map_err(|e| ApiError::Network(describe(&e)))?
        .unchecked_into();
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| ApiError::Download(describe(&e)))?;
    let clicked = click_download_link(&url, &name);
    // The download may start after `click()` returns; the URL must outlive it, and is of
    // no use to anyone afterwards.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    clicked.map_err(|e| ApiError::Download(describe(&e)))?;
    Ok(name)
}

/// A temporary `<a download>`: the one way to save a Blob under a chosen name.
fn click_download_link(url: &str, name: &str) -> Result<(), JsValue> {
    let document = document();
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("the page has no body"))?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(url);
    link.set_download(name);
    link.set_hidden(true);
    // Some browsers only follow links that are in the document.
    body.append_child(&link)?;
    link.click();
    link.remove();
    Ok(())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}

/// The file name in a `Content-Disposition: attachment` header (`filename="…"` or a bare
/// token), reduced to its last path segment. The extended `filename*=` form is not read:
/// the API never sends it.
fn attachment_filename(header: &str) -> Option<String> {
    let (_, rest) = header.split_once("filename=")?;
    let name = match rest.strip_prefix('"') {
        Some(quoted) => {
            let mut name = String::new();
            let mut chars = quoted.chars();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => name.push(chars.next()?),
                    c => name.push(c),
                }
            }
            name
        }
        None => rest.split(';').next().unwrap_or_default().trim().to_owned(),
    };
    let name = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::attachment_filename;

    #[test]
    fn reads_the_suggested_name() {
        assert_eq!(
            attachment_filename(r#"attachment; filename="audit-20261123T100000Z.csv""#).as_deref(),
            Some("audit-20261123T100000Z.csv")
        );
        assert_eq!(
            attachment_filename("attachment; filename=report.csv; size=10").as_deref(),
            Some("report.csv")
        );
        assert_eq!(
            attachment_filename(r#"attachment; filename="a \"b\".csv""#).as_deref(),
            Some(r#"a "b".csv"#)
        );
    }

    #[test]
    fn refuses_paths_and_blanks() {
        assert_eq!(
            attachment_filename(r#"attachment; filename="../../etc/x.csv""#).as_deref(),
            Some("x.csv")
        );
        assert_eq!(attachment_filename(r#"attachment; filename="""#), None);
        assert_eq!(attachment_filename(r#"attachment; filename="unterminated"#), None);
        assert_eq!(attachment_filename("attachment"), None);
    }
}
