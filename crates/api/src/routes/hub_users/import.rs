//! Bulk import of hub users from CSV (SPEC USER-4): all rows or none.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use omni_types::hub_users::{HubRole, IMPORT_COLUMNS, ImportProblem, ImportReport};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{validate, write_error};
use crate::app::AppState;
use crate::auth::Principal;
use crate::db::audit::{self, Entry};
use crate::db::hub_users::{self, Fields};
use crate::error::{ApiError, ApiResult, FieldErrors};
use crate::http::client::ClientMeta;
use crate::http::json::ApiJson;

/// Most data rows one file may hold.
pub const MAX_ROWS: usize = 10_000;

/// Most problems one report lists (the rest are counted in a last line).
pub const MAX_PROBLEMS: usize = 1_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and report, importing nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// Import hub users from a CSV file (UTF-8, comma-separated, a header line naming the
/// columns in any order: `email`, `name`, `organization` (a slug) required; `role`,
/// `enabled`, `external_ids` (`provider:id` pairs separated by `;`) optional). Every row
/// is checked (fields, organization, emails and external ids unique within the
/// organization and the file) and every problem reported with its line. Users are
/// created only when no row has a problem, all in one transaction; `dry_run=true` only
/// reports. Up to 10,000 rows, within the server's body limit.
#[utoipa::path(
    post,
    path = "/api/v1/users/import",
    tag = "users",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Dry run: the report (problems, if any, listed)", body = ImportReport),
        (status = 201, description = "Imported: every row created", body = ImportReport),
        (status = 413, description = "The file is larger than the body limit", body = omni_types::Problem),
        (status = 422, description = "Rows have problems and nothing was imported: `errors` names each line (`lines[3].email`)", body = omni_types::Problem),
    )
)]
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    meta: ClientMeta,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> ApiResult<(StatusCode, ApiJson<ImportReport>)> {
    let (rows, mut problems) = parse(&body);
    let slugs: Vec<String> = rows
        .iter()
        .filter(|r| crate::routes::orgs::check_slug(&r.organization).is_ok())
        .map(|r| r.organization.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let orgs: HashMap<String, Uuid> = hub_users::organizations_by_slug(&state.db, &slugs)
        .await?
        .into_iter()
        .collect();

    let mut users = Vec::with_capacity(rows.len());
    let mut lines = Vec::with_capacity(rows.len());
    let mut emails_seen: HashMap<(Uuid, String), u64> = HashMap::new();
    let mut ids_seen: HashMap<(Uuid, String, String), u64> = HashMap::new();
    for row in &rows {
        let mut problem = |column: Option<&str>, message: String| {
            problems.push(ImportProblem {
                line: row.line,
                column: column.map(str::to_owned),
                message,
            })
        };
        let org = orgs.get(&row.organization).copied();
        if org.is_none() {
            let message = if row.organization.is_empty() {
                "is required".to_owned()
            } else {
                format!("no organization has the slug `{}`", row.organization)
            };
            problem(Some("organization"), message);
        }
        let draft = Fields {
            name: row.name.clone(),
            email: row.email.clone(),
            organization_id: org.unwrap_or_default(),
            role: row.role.unwrap_or(HubRole::Member),
            external_ids: row.external_ids.clone(),
            enabled: row.enabled,
        };
        let mut errors = FieldErrors::new();
        let fields = validate(draft, &mut errors);
        for (field, messages) in errors {
            for message in messages {
                problem(Some(&field), message);
            }
        }
        let (Some(fields), Some(org)) = (fields, org) else {
            continue;
        };
        if let Some(first) = emails_seen.insert((org, fields.email.clone()), row.line) {
            problem(
                Some("email"),
                format!("is also on line {first} for the same organization"),
            );
            continue;
        }
        for (provider, value) in &fields.external_ids {
            if let Some(first) = ids_seen.insert((org, provider.clone(), value.clone()), row.line) {
                problem(
                    Some("external_ids"),
                    format!("the `{provider}` id is also on line {first} for the same organization"),
                );
            }
        }
        users.push((Uuid::now_v7(), fields));
        lines.push(row.line);
    }

    // Uniqueness against the database, for every row at once.
    let pairs: Vec<(Uuid, String)> = users
        .iter()
        .map(|(_, f)| (f.organization_id, f.email.clone()))
        .collect();
    let taken: HashSet<(Uuid, String)> = hub_users::taken_emails(&state.db, &pairs).await?.into_iter().collect();
    let triples: Vec<(Uuid, String, String)> = users
        .iter()
        .flat_map(|(_, f)| {
            f.external_ids
                .iter()
                .map(|(p, v)| (f.organization_id, p.clone(), v.clone()))
        })
        .collect();
    let taken_ids: HashSet<(Uuid, String, String)> = hub_users::taken_external_ids(&state.db, &triples)
        .await?
        .into_iter()
        .collect();
    for ((_, f), line) in users.iter().zip(&lines) {
        if taken.contains(&(f.organization_id, f.email.clone())) {
            problems.push(ImportProblem {
                line: *line,
                column: Some("email".into()),
                message: "a user with this email exists in the organization".into(),
            });
        }
        for (provider, value) in &f.external_ids {
            if taken_ids.contains(&(f.organization_id, provider.clone(), value.clone())) {
                problems.push(ImportProblem {
                    line: *line,
                    column: Some("external_ids".into()),
                    message: format!("another user of the organization has this `{provider}` id"),
                });
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        let line = problems.last().map_or(1, |p| p.line);
        problems.push(ImportProblem {
            line,
            column: None,
            message: format!("… and {more} more problems after this line"),
        });
    }

    let mut report = ImportReport {
        dry_run: params.dry_run,
        rows: rows.len() as u64,
        created: 0,
        problems,
    };
    if params.dry_run {
        return Ok((StatusCode::OK, ApiJson(report)));
    }
    if !report.problems.is_empty() {
        let mut errors = FieldErrors::new();
        for p in &report.problems {
            let key = match &p.column {
                Some(column) => format!("lines[{}].{column}", p.line),
                None => format!("lines[{}]", p.line),
            };
            errors.entry(key).or_default().push(p.message.clone());
        }
        return Err(ApiError::Validation(errors));
    }
    if users.is_empty() {
        return Err(ApiError::invalid("file", "has no data rows"));
    }
    let mut tx = state.db.begin().await?;
    hub_users::insert_many(&mut tx, &users).await.map_err(write_error)?;
    let created: Vec<_> = users
        .iter()
        .map(|(id, f)| json!({ "id": id, "email": f.email, "organization_id": f.organization_id }))
        .collect();
    let entry = Entry {
        actor: (&principal).into(),
        action: "hub_user.imported",
        resource_type: "hub_user",
        resource_id: None,
        details: json!({ "created": created.len(), "users": created }),
    };
    audit::record(&mut *tx, entry, &meta).await?;
    tx.commit().await?;
    report.created = users.len() as u64;
    Ok((StatusCode::CREATED, ApiJson(report)))
}

/// One data row, its cells read but not yet checked.
#[derive(Debug, Default)]
struct Row {
    line: u64,
    email: String,
    name: String,
    organization: String,
    role: Option<HubRole>,
    enabled: bool,
    external_ids: std::collections::BTreeMap<String, String>,
}

/// Reads the file into rows, and the problems found reading it (bad header, wrong cell
/// count, unreadable role / enabled / external ids).
fn parse(body: &[u8]) -> (Vec<Row>, Vec<ImportProblem>) {
    let mut problems = Vec::new();
    let note = |problems: &mut Vec<ImportProblem>, line: u64, column: Option<&str>, message: String| {
        problems.push(ImportProblem {
            line,
            column: column.map(str::to_owned),
            message,
        })
    };
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if std::str::from_utf8(body).is_err() {
        note(&mut problems, 1, None, "the file is not UTF-8 text".into());
        return (Vec::new(), problems);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => {
            note(&mut problems, 1, None, format!("the header line cannot be read: {e}"));
            return (Vec::new(), problems);
        }
    };
    if header.iter().all(String::is_empty) {
        note(
            &mut problems,
            1,
            None,
            "the file is empty: it needs a header line".into(),
        );
        return (Vec::new(), problems);
    }
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        match IMPORT_COLUMNS.iter().find(|c| **c == name) {
            Some(c) if columns.insert(c, i).is_some() => note(&mut problems, 1, Some(c), "is given twice".into()),
            Some(_) => {}
            None => note(
                &mut problems,
                1,
                Some(name),
                format!("is not a column (expected {})", IMPORT_COLUMNS.join(", ")),
            ),
        }
    }
    for required in ["email", "name", "organization"] {
        if !columns.contains_key(required) {
            note(&mut problems, 1, Some(required), "column is missing".into());
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let mut rows = Vec::new();
    let mut records = 0usize;
    // Lines are counted from byte offsets: a record's position is where the previous one
    // ended, so blank lines before it are skipped here (the reader's own count is off by
    // them).
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = (byte as usize).min(body.len());
        while body.get(byte).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            byte += 1;
        }
        let (from, line) = counted;
        let line = line + body[from.min(byte)..byte].iter().filter(|b| **b == b'\n').count() as u64;
        counted = (byte.max(from), line);
        line
    };
    for record in reader.records() {
        // Every record counts, good or bad: the report stays bounded too.
        records += 1;
        if records > MAX_ROWS {
            let line = record
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(0, |p| line_at(p.byte()));
            note(
                &mut problems,
                line,
                None,
                format!("the file has more than {MAX_ROWS} rows"),
            );
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(p.byte()));
                note(&mut problems, line, None, format!("cannot be read: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(str::is_empty) {
            records -= 1;
            continue;
        }
        if record.len() != header.len() {
            note(
                &mut problems,
                line,
                None,
                format!("has {} cells, the header {}", record.len(), header.len()),
            );
            continue;
        }
        let cell = |name: &str| columns.get(name).and_then(|i| record.get(*i)).unwrap_or("");
        let mut row = Row {
            line,
            email: cell("email").to_owned(),
            name: cell("name").to_owned(),
            organization: cell("organization").to_owned(),
            enabled: true,
            ..Row::default()
        };
        match cell("role") {
            "" => {}
            role => match role.parse::<HubRole>() {
                Ok(role) => row.role = Some(role),
                Err(m) => note(&mut problems, line, Some("role"), m),
            },
        }
        match cell("enabled").to_lowercase().as_str() {
            "" | "true" | "yes" | "1" => {}
            "false" | "no" | "0" => row.enabled = false,
            _ => note(&mut problems, line, Some("enabled"), "must be true or false".into()),
        }
        for pair in cell("external_ids").split(';').map(str::trim).filter(|p| !p.is_empty()) {
            match pair.split_once(':') {
                Some((provider, id)) => {
                    if row
                        .external_ids
                        .insert(provider.trim().to_owned(), id.trim().to_owned())
                        .is_some()
                    {
                        note(
                            &mut problems,
                            line,
                            Some("external_ids"),
                            format!("provider `{provider}` is given twice"),
                        );
                    }
                }
                None => note(
                    &mut problems,
                    line,
                    Some("external_ids"),
                    format!("`{pair}` is not a `provider:id` pair"),
                ),
            }
        }
        rows.push(row);
    }
    (rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_names_lines() {
        let csv = "Email,name,organization,role,external_ids\n\
                   ada@example.com,Ada,acme,admin,slack:U1;github:ada\n\
                   \n\
                   bob@example.com,Bob,acme,boss,\n\
                   carol@example.com,Carol\n";
        let (rows, problems) = parse(csv.as_bytes());
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].role, Some(HubRole::Admin));
        assert_eq!(rows[0].external_ids.len(), 2);
        assert_eq!(rows[1].line, 4);
        let lines: Vec<(u64, Option<&str>)> = problems.iter().map(|p| (p.line, p.column.as_deref())).collect();
        assert_eq!(lines, [(4, Some("role")), (5, None)]);
    }

    #[test]
    fn a_file_of_garbage_is_cut_short() {
        let csv = format!("email,name,organization\n{}", "x\n".repeat(MAX_ROWS + 5));
        let (rows, problems) = parse(csv.as_bytes());
        assert!(rows.is_empty());
        assert_eq!(problems.len(), MAX_ROWS + 1, "one per bad row, then the limit");
        assert!(problems.last().unwrap().message.contains("more than"));
    }

    #[test]
    fn header_problems() {
        let (_, problems) = parse(b"email,nom\n");
        let columns: Vec<_> = problems.iter().map(|p| p.column.as_deref()).collect();
        assert_eq!(columns, [Some("nom"), Some("name"), Some("organization")]);
        let (_, problems) = parse(b"");
        assert_eq!(problems.len(), 1);
        let (_, problems) = parse(b"\xff\xfe");
        assert!(problems[0].message.contains("UTF-8"));
    }
}
