//! YAML text → [`Document`], reporting every structural problem at once (unknown keys,
//! wrong types, missing fields) with its line, column and field path, and remembering
//! where each value was so later checks can point at it too.

use std::collections::{BTreeMap, HashMap};

use omni_types::config::{Document, DocumentProblem, McpServer, Organization, Settings, Severity, User, VERSION};
use omni_types::usage::ModelPrice;
use saphyr::{LoadableYamlNode, MarkedYamlOwned as Node, ScalarOwned, YamlDataOwned};

/// The most problems one answer lists; a document broken everywhere says so once.
const MAX_PROBLEMS: usize = 500;
/// The deepest nesting a document may have (the format needs 5 levels).
const MAX_DEPTH: usize = 32;

/// Where each value of a document is: path → (line, column), both 1-based.
#[derive(Debug, Default, Clone)]
pub struct Positions(HashMap<String, (u32, u32)>);

impl Positions {
    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &str) -> (u32, u32) {
        let mut p = path;
        loop {
            if let Some(&at) = self.0.get(p) {
                return at;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.0.get("").copied().unwrap_or((1, 1)),
            }
        }
    }
}

/// A document read from text.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub document: Document,
    pub positions: Positions,
}

/// Problems found while reading, in document order.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<DocumentProblem>);

impl Problems {
    pub fn error(&mut self, path: &str, (line, column): (u32, u32), message: impl Into<String>) {
        self.push(Severity::Error, path, (line, column), message);
    }

    pub fn warning(&mut self, path: &str, (line, column): (u32, u32), message: impl Into<String>) {
        self.push(Severity::Warning, path, (line, column), message);
    }

    fn push(&mut self, severity: Severity, path: &str, (line, column): (u32, u32), message: impl Into<String>) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(DocumentProblem {
                severity,
                path: path.to_owned(),
                line,
                column,
                message: message.into(),
            });
        }
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }

    /// By position, errors before warnings at the same place.
    pub fn sorted(mut self) -> Vec<DocumentProblem> {
        self.0
            .sort_by_key(|p| (p.line, p.column, p.severity == Severity::Warning));
        self.0
    }
}

/// Reads a document. On structural problems returns them all (and nothing else).
pub fn parse(text: &str) -> Result<Parsed, Problems> {
    let mut r = Reader::default();
    if let Some((at, message)) = unsupported(text) {
        r.problems.error("", at, message);
        return Err(r.problems);
    }
    let nodes = match Node::load_from_str(text) {
        Ok(nodes) => nodes,
        Err(e) => {
            let m = e.marker();
            r.problems.error(
                "",
                (m.line() as u32, m.col() as u32 + 1),
                format!("is not valid YAML: {}", e.info()),
            );
            return Err(r.problems);
        }
    };
    let root = match nodes.as_slice() {
        [] => {
            r.problems
                .error("", (1, 1), "is empty: expected a mapping with `version: 1`");
            return Err(r.problems);
        }
        [root] => root,
        [_, second, ..] => {
            r.problems
                .error("", at(second), "holds more than one YAML document: expected one");
            return Err(r.problems);
        }
    };
    r.positions.0.insert(String::new(), at(root));
    let document = Document::read(&mut r, root, "");
    match document {
        Some(document) if !r.problems.has_errors() => Ok(Parsed {
            document,
            positions: r.positions,
        }),
        _ => Err(r.problems),
    }
}

/// What the format never needs and a loader must not be fed: anchors and aliases (a few
/// bytes of aliases can expand to gigabytes) and deep nesting (a tree deep enough to
/// overflow the stack when dropped). Syntax errors are left to the loader to report.
fn unsupported(text: &str) -> Option<((u32, u32), &'static str)> {
    use saphyr_parser::{Event, Parser};
    let mut depth = 0usize;
    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else { return None };
        let at = (span.start.line() as u32, span.start.col() as u32 + 1);
        let anchored = match event {
            Event::Alias(_) => return Some((at, "uses an alias (`*name`): write the value out instead")),
            Event::Scalar(_, _, anchor, _) => anchor,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some((at, "is nested too deeply"));
                }
                anchor
            }
            Event::SequenceEnd | Event::MappingEnd => {
                depth = depth.saturating_sub(1);
                0
            }
            _ => 0,
        };
        if anchored != 0 {
            return Some((at, "uses an anchor (`&name`): write the value out instead"));
        }
    }
    None
}

/// Where a mapping entry is: its value, or for a list or mapping (which starts on the
/// next line in block style) its key.
fn entry_at(key: &Node, value: &Node) -> (u32, u32) {
    match value.data {
        YamlDataOwned::Sequence(_) | YamlDataOwned::Mapping(_) => at(key),
        _ => at(value),
    }
}

fn at(node: &Node) -> (u32, u32) {
    (node.span.start.line() as u32, node.span.start.col() as u32 + 1)
}

fn describe(node: &Node) -> &'static str {
    match &node.data {
        YamlDataOwned::Value(ScalarOwned::Null) => "null",
        YamlDataOwned::Value(ScalarOwned::Boolean(_)) => "a boolean",
        YamlDataOwned::Value(ScalarOwned::Integer(_)) => "an integer",
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(_)) => "a number",
        YamlDataOwned::Value(ScalarOwned::String(_)) => "a string",
        YamlDataOwned::Sequence(_) => "a list",
        YamlDataOwned::Mapping(_) => "a mapping",
        YamlDataOwned::Tagged(..) => "a tagged value",
        _ => "an unreadable value",
    }
}

#[derive(Default)]
struct Reader {
    problems: Problems,
    positions: Positions,
}

impl Reader {
    fn mismatch(&mut self, node: &Node, path: &str, expected: &str) {
        self.problems
            .error(path, at(node), format!("expected {expected}, found {}", describe(node)));
    }

    /// A mapping with string keys. Unknown keys are errors; the known ones come back.
    fn object<'n>(&mut self, node: &'n Node, path: &str, fields: &[&str]) -> Option<Object<'n>> {
        let YamlDataOwned::Mapping(map) = &node.data else {
            self.mismatch(node, path, "a mapping");
            return None;
        };
        let mut values = HashMap::new();
        for (key, value) in map {
            let YamlDataOwned::Value(ScalarOwned::String(name)) = &key.data else {
                self.problems.error(path, at(key), "keys must be strings");
                continue;
            };
            let child = join(path, name);
            if !fields.contains(&name.as_str()) {
                self.problems.error(
                    &child,
                    at(key),
                    format!("unknown field `{name}`; expected one of: {}", fields.join(", ")),
                );
                continue;
            }
            self.positions.0.insert(child, entry_at(key, value));
            values.insert(name.as_str(), value);
        }
        Some(Object {
            values,
            path: path.to_owned(),
            at: at(node),
        })
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A mapping being read field by field.
struct Object<'n> {
    values: HashMap<&'n str, &'n Node>,
    path: String,
    at: (u32, u32),
}

impl Object<'_> {
    fn required<T: Read>(&self, r: &mut Reader, key: &str) -> Option<T> {
        let path = join(&self.path, key);
        match self.values.get(key) {
            Some(node) => T::read(r, node, &path),
            None => {
                r.problems.error(&path, self.at, format!("`{key}` is required"));
                None
            }
        }
    }

    /// Absent or `null` is `None`; `Err` means the value was there but bad.
    fn optional<T: Read>(&self, r: &mut Reader, key: &str) -> Result<Option<T>, ()> {
        let path = join(&self.path, key);
        match self.values.get(key) {
            None => Ok(None),
            Some(node) if matches!(node.data, YamlDataOwned::Value(ScalarOwned::Null)) => Ok(None),
            Some(node) => T::read(r, node, &path).map(Some).ok_or(()),
        }
    }

    fn or_default<T: Read + Default>(&self, r: &mut Reader, key: &str) -> Option<T> {
        self.optional(r, key).ok().map(Option::unwrap_or_default)
    }
}

/// A value that can be read from a node, reporting its own problems.
trait Read: Sized {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self>;
}

impl Read for String {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::String(s)) => Some(s.clone()),
            YamlDataOwned::Value(ScalarOwned::Integer(_) | ScalarOwned::FloatingPoint(_) | ScalarOwned::Boolean(_)) => {
                r.mismatch(node, path, "a string (quote it)");
                None
            }
            _ => {
                r.mismatch(node, path, "a string");
                None
            }
        }
    }
}

impl Read for bool {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Some(*b),
            _ => {
                r.mismatch(node, path, "`true` or `false`");
                None
            }
        }
    }
}

impl Read for i64 {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(*i),
            _ => {
                r.mismatch(node, path, "an integer");
                None
            }
        }
    }
}

impl Read for i32 {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let wide = i64::read(r, node, path)?;
        match i32::try_from(wide) {
            Ok(v) => Some(v),
            Err(_) => {
                r.problems.error(path, at(node), format!("{wide} is out of range"));
                None
            }
        }
    }
}

impl Read for f64 {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        match &node.data {
            YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Some(f.into_inner()),
            YamlDataOwned::Value(ScalarOwned::Integer(i)) => Some(*i as f64),
            _ => {
                r.mismatch(node, path, "a number");
                None
            }
        }
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let YamlDataOwned::Sequence(items) = &node.data else {
            r.mismatch(node, path, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let path = format!("{path}[{i}]");
            r.positions.0.insert(path.clone(), at(item));
            match T::read(r, item, &path) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

impl<T: Read> Read for BTreeMap<String, T> {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let YamlDataOwned::Mapping(map) = &node.data else {
            r.mismatch(node, path, "a mapping");
            return None;
        };
        let mut out = BTreeMap::new();
        let mut ok = true;
        for (key, value) in map {
            let YamlDataOwned::Value(ScalarOwned::String(name)) = &key.data else {
                r.problems.error(path, at(key), "keys must be strings");
                ok = false;
                continue;
            };
            let path = join(path, name);
            r.positions.0.insert(path.clone(), entry_at(key, value));
            match T::read(r, value, &path) {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

/// The closed sets of wire names (`FromStr` whose error lists the accepted values).
macro_rules! read_choice {
    ($($t:ty),+) => {$(
        impl Read for $t {
            fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
                let text = String::read(r, node, path)?;
                text.parse().map_err(|m: String| r.problems.error(path, at(node), m)).ok()
            }
        }
    )+};
}

read_choice!(
    omni_types::orgs::Plan,
    omni_types::mcp::Transport,
    omni_types::mcp::ToolStatus,
    omni_types::hub_users::HubRole
);

impl Read for Document {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(
            node,
            path,
            &["version", "settings", "organizations", "mcp_servers", "users"],
        )?;
        let version: Option<i64> = o.required(r, "version");
        if let Some(v) = version
            && v != i64::from(VERSION)
        {
            let at = o.values.get("version").map_or(o.at, |n| at(n));
            r.problems.error(
                "version",
                at,
                format!("version {v} is not supported: this build reads version {VERSION}"),
            );
        }
        let settings = o.or_default(r, "settings");
        let organizations = o.or_default(r, "organizations");
        let mcp_servers = o.or_default(r, "mcp_servers");
        let users = o.or_default(r, "users");
        Some(Document {
            version: VERSION,
            settings: settings?,
            organizations: organizations?,
            mcp_servers: mcp_servers?,
            users: users?,
        })
    }
}

impl Read for Settings {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(node, path, &["model_prices"])?;
        Some(Settings {
            model_prices: o.or_default(r, "model_prices")?,
        })
    }
}

impl Read for ModelPrice {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(
            node,
            path,
            &[
                "model",
                "input_usd_per_mtok",
                "output_usd_per_mtok",
                "cached_usd_per_mtok",
            ],
        )?;
        let model = o.required(r, "model");
        let input = o.required(r, "input_usd_per_mtok");
        let output = o.required(r, "output_usd_per_mtok");
        let cached = o.or_default(r, "cached_usd_per_mtok");
        Some(ModelPrice {
            model: model?,
            input_usd_per_mtok: input?,
            output_usd_per_mtok: output?,
            cached_usd_per_mtok: cached?,
        })
    }
}

impl Read for Organization {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(
            node,
            path,
            &[
                "slug",
                "name",
                "plan",
                "monthly_budget_cents",
                "rate_limit_per_minute",
                "allowed_mcp_servers",
            ],
        )?;
        let slug = o.required(r, "slug");
        let name = o.required(r, "name");
        let plan = o.required(r, "plan");
        let budget = o.optional(r, "monthly_budget_cents");
        let rate = o.optional(r, "rate_limit_per_minute");
        let allowed = o.optional(r, "allowed_mcp_servers");
        Some(Organization {
            slug: slug?,
            name: name?,
            plan: plan?,
            monthly_budget_cents: budget.ok()?,
            rate_limit_per_minute: rate.ok()?,
            allowed_mcp_servers: allowed.ok()?,
        })
    }
}

impl Read for McpServer {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(
            node,
            path,
            &[
                "name",
                "renamed_from",
                "description",
                "transport",
                "url",
                "command",
                "args",
                "auth_header_name",
                "auth_header",
                "timeout_ms",
                "degraded_threshold_ms",
                "check_interval_seconds",
                "tags",
                "organization",
                "enabled",
                "require_tool_approval",
                "tools",
            ],
        )?;
        let name = o.required(r, "name");
        let renamed_from = o.optional(r, "renamed_from");
        let description = o.or_default(r, "description");
        let transport = o.required(r, "transport");
        let url = o.optional(r, "url");
        let command = o.optional(r, "command");
        let args = o.or_default(r, "args");
        let auth_header_name = o.optional(r, "auth_header_name");
        let auth_header = o.optional(r, "auth_header");
        let timeout_ms = o.required(r, "timeout_ms");
        let degraded_threshold_ms = o.required(r, "degraded_threshold_ms");
        let check_interval_seconds = o.required(r, "check_interval_seconds");
        let tags = o.or_default(r, "tags");
        let organization = o.optional(r, "organization");
        let enabled = o.required(r, "enabled");
        let require_tool_approval = o.required(r, "require_tool_approval");
        let tools = o.or_default(r, "tools");
        Some(McpServer {
            name: name?,
            renamed_from: renamed_from.ok()?,
            description: description?,
            transport: transport?,
            url: url.ok()?,
            command: command.ok()?,
            args: args?,
            auth_header_name: auth_header_name.ok()?,
            auth_header: auth_header.ok()?,
            timeout_ms: timeout_ms?,
            degraded_threshold_ms: degraded_threshold_ms?,
            check_interval_seconds: check_interval_seconds?,
            tags: tags?,
            organization: organization.ok()?,
            enabled: enabled?,
            require_tool_approval: require_tool_approval?,
            tools: tools?,
        })
    }
}

impl Read for User {
    fn read(r: &mut Reader, node: &Node, path: &str) -> Option<Self> {
        let o = r.object(
            node,
            path,
            &[
                "email",
                "organization",
                "name",
                "role",
                "enabled",
                "external_ids",
                "permissions",
            ],
        )?;
        let email = o.required(r, "email");
        let organization = o.required(r, "organization");
        let name = o.required(r, "name");
        let role = o.required(r, "role");
        let enabled = o.required(r, "enabled");
        let external_ids = o.or_default(r, "external_ids");
        let permissions = o.or_default(r, "permissions");
        Some(User {
            email: email?,
            organization: organization?,
            name: name?,
            role: role?,
            enabled: enabled?,
            external_ids: external_ids?,
            permissions: permissions?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(u32, u32, String, String)> {
        parse(text)
            .unwrap_err()
            .sorted()
            .into_iter()
            .map(|p| (p.line, p.column, p.path, p.message))
            .collect()
    }

    #[test]
    fn every_structural_problem_is_reported_where_it_is() {
        let text = "\
version: 1
organizations:
  - slug: acme
    name: 42
    plan: gold
    colour: red
mcp_servers:
  - name: github
    transport: stdio
    command: gh
    timeout_ms: fast
    degraded_threshold_ms: 100
    check_interval_seconds: 60
    enabled: yes
    require_tool_approval: false
";
        let found = problems(text);
        let expected = [
            (
                4,
                11,
                "organizations[0].name",
                "expected a string (quote it), found an integer",
            ),
            (
                5,
                11,
                "organizations[0].plan",
                "must be one of: free, team, business, enterprise",
            ),
            (6, 5, "organizations[0].colour", "unknown field `colour`"),
            (
                11,
                17,
                "mcp_servers[0].timeout_ms",
                "expected an integer, found a string",
            ),
            (
                14,
                14,
                "mcp_servers[0].enabled",
                "expected `true` or `false`, found a string",
            ),
        ];
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for ((line, column, path, message), want) in found.iter().zip(expected) {
            assert_eq!((*line, *column, path.as_str()), (want.0, want.1, want.2), "{message}");
            assert!(message.starts_with(want.3), "{message} / {}", want.3);
        }
    }

    #[test]
    fn syntax_errors_versions_and_empty_documents() {
        let bad = problems("version: 1\nmcp_servers: [\n");
        assert_eq!(bad.len(), 1);
        assert!(bad[0].3.starts_with("is not valid YAML"), "{bad:?}");
        assert!(problems("")[0].3.starts_with("is empty"));
        assert!(problems("version: 2\n")[0].3.contains("not supported"));
        assert!(problems("version: 1\n---\nversion: 1\n")[0].3.contains("more than one"));
        assert!(problems("- 1\n")[0].3.contains("expected a mapping"));
        assert!(problems("version: 1\na: &x [1]\nb: *x\n")[0].3.contains("anchor"));
        assert!(
            problems(&format!("version: 1\nx: {}1{}\n", "[".repeat(40), "]".repeat(40)))[0]
                .3
                .contains("too deeply")
        );
        let dup = problems("version: 1\nversion: 1\n");
        assert!(dup[0].3.contains("duplicated key"), "{dup:?}");
    }

    #[test]
    fn positions_find_the_nearest_value() {
        let parsed = parse("version: 1\nusers:\n  - email: a@b.c\n    organization: acme\n    name: A\n    role: member\n    enabled: true\n").unwrap();
        assert_eq!(parsed.positions.find("users[0].email"), (3, 12));
        assert_eq!(parsed.positions.find("users[0].permissions.github"), (3, 5));
        assert_eq!(parsed.document.users[0].email, "a@b.c");
    }
}
