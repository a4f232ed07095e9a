//! Query parameters and cursors for keyset pagination.

use base64::Engine;
use omni_types::page::{DEFAULT_LIMIT, MAX_LIMIT};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// `?limit=&cursor=` on every list route.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// The checked limit.
    pub fn limit(&self) -> Result<u32, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n @ 1..=MAX_LIMIT) => Ok(n),
            Some(_) => Err(ApiError::invalid("limit", format!("must be between 1 and {MAX_LIMIT}"))),
        }
    }

    /// The decoded position after which the page starts.
    pub fn after<K: DeserializeOwned>(&self) -> Result<Option<K>, ApiError> {
        let Some(cursor) = &self.cursor else {
            return Ok(None);
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid("cursor", "is not a cursor from this list"))
    }
}

/// Encodes the sort key of the last item as an opaque cursor.
pub fn cursor<K: serde::Serialize>(key: &K) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).expect("cursor keys serialise"))
}

/// Cuts a `limit + 1` fetch into a page, with a cursor when there is more.
pub fn page<T, K: serde::Serialize>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> K) -> omni_types::Page<T> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(|last| cursor(&key(last)))
    } else {
        None
    };
    omni_types::Page {
        items: rows,
        next_cursor,
    }
}

/// A list's `sort` parameter: one of `labels`, optionally prefixed with `-` for
/// descending; `None` picks the first label.
pub fn parse_sort<S: Copy>(raw: Option<&str>, labels: &[(&'static str, S)]) -> Result<(String, S, bool), String> {
    let label = raw.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(labels[0].0);
    let (descending, key) = match label.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, label),
    };
    match labels.iter().find(|(name, _)| *name == key) {
        Some((_, sort)) => Ok((label.to_owned(), *sort, descending)),
        None => {
            let names: Vec<String> = labels.iter().map(|(name, _)| format!("`{name}`")).collect();
            Err(format!("must be {}, optionally prefixed with `-`", names.join(", ")))
        }
    }
}

impl PageParams {
    /// The position of a list sorted by `sort_label`, from a cursor that names its sort
    /// (one from another order is refused, not misread); `time` keys must parse as times.
    pub fn after_sorted(&self, sort_label: &str, time: bool) -> Result<Option<(String, uuid::Uuid)>, ApiError> {
        match self.after::<(String, String, uuid::Uuid)>()? {
            None => Ok(None),
            Some((label, value, id)) if label == sort_label => {
                // A crafted cursor must not reach PostgreSQL as a value it refuses.
                let fits = !value.contains('\0')
                    && (!time
                        || chrono::DateTime::parse_from_rfc3339(&value)
                            .is_ok_and(|t| (1..=9999).contains(&chrono::Datelike::year(&t))));
                if !fits {
                    return Err(ApiError::invalid("cursor", "is not a cursor from this list"));
                }
                Ok(Some((value, id)))
            }
            Some(_) => Err(ApiError::invalid(
                "cursor",
                "belongs to another sort order: start again from the first page",
            )),
        }
    }
}

/// A page of a list sorted by `sort_label`, with cursors that name it.
pub fn sorted_page<T>(
    rows: Vec<T>,
    limit: u32,
    sort_label: &str,
    key: impl Fn(&T) -> (String, uuid::Uuid),
) -> omni_types::Page<T> {
    page(rows, limit, |row| {
        let (value, id) = key(row);
        (sort_label.to_owned(), value, id)
    })
}
