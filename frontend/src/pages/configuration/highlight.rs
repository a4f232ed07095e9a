//! YAML highlighting for the configuration editor (SPEC CFG-8), small and our own: keys,
//! strings, numbers, booleans and null, comments, `${REFERENCES}`, and the punctuation
//! between them. It reads the document line by line, as the export writes it (block
//! style), and copes with what people paste: flow collections, block scalars, quoted
//! strings that go on over lines. It only colours: the server's check says what is wrong.
//!
//! The result is HTML text, set as the `<pre>`'s content in one go: building thousands of
//! spans through the DOM on every keystroke would be far slower, and every character of
//! the document is escaped on the way.

use std::collections::BTreeMap;
use std::fmt::Write;

use omni_types::config::Severity;

const KEY: &str = "y-key";
const STRING: &str = "y-str";
const NUMBER: &str = "y-num";
/// `true`, `false`, `null`, `~`.
const LITERAL: &str = "y-lit";
const COMMENT: &str = "y-com";
const REFERENCE: &str = "y-ref";
const PUNCTUATION: &str = "y-punct";
/// Anchors, aliases and tags.
const META: &str = "y-meta";

/// The class a line with a problem gets, in the code and in the gutter.
fn mark_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "is-error",
        Severity::Warning => "is-warning",
    }
}

/// The worst problem on each line (1-based).
pub type Marks = BTreeMap<u32, Severity>;

/// The document as HTML: one `<span class="yl">` per line, which the editor's stylesheet
/// shows as a block, so the `<pre>` has as many lines as the textarea over it.
pub fn to_html(text: &str, marks: &Marks) -> String {
    let mut out = String::with_capacity(text.len() * 2 + 64);
    let mut state = State::Plain;
    for (i, line) in text.split('\n').enumerate() {
        // A textarea reads `\r\n` as one line break; so does this.
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line_number(i).and_then(|n| marks.get(&n)) {
            Some(severity) => {
                let _ = write!(out, "<span class=\"yl {}\">", mark_class(*severity));
            }
            None => out.push_str("<span class=\"yl\">"),
        }
        state = highlight_line(&mut out, line, state);
        out.push_str("</span>");
    }
    out
}

/// The line numbers beside the code, marked where the document has a problem.
pub fn gutter_html(lines: usize, marks: &Marks) -> String {
    let mut out = String::with_capacity(lines * 24);
    for n in 1..=lines {
        match u32::try_from(n).ok().and_then(|n| marks.get(&n)) {
            Some(severity) => {
                let _ = write!(out, "<span class=\"gl {}\">{n}</span>", mark_class(*severity));
            }
            None => {
                let _ = write!(out, "<span class=\"gl\">{n}</span>");
            }
        }
    }
    out
}

/// How many lines the editor shows for `text` (a final line break starts an empty line).
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|b| *b == b'\n').count() + 1
}

/// Where 1-based `line` and `column` (in characters) are in `text`, counted as a textarea
/// counts its selection: in UTF-16 code units. Past a line's end is its end; past the last
/// line, the end of the text.
pub fn caret_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0_usize;
    for (i, content) in text.split('\n').enumerate() {
        if line_number(i) == Some(line.max(1)) {
            let before: usize = content
                .chars()
                .take(column.max(1) as usize - 1)
                .map(char::len_utf16)
                .sum();
            return u32::try_from(offset + before).unwrap_or(u32::MAX);
        }
        offset += content.chars().map(char::len_utf16).sum::<usize>() + 1;
    }
    u32::try_from(offset.saturating_sub(1)).unwrap_or(u32::MAX)
}

fn line_number(index: usize) -> Option<u32> {
    u32::try_from(index + 1).ok()
}

/// What a line starts inside of, from the lines before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Plain,
    /// A block scalar (`|`, `>`): the lines indented deeper than `parent` are its text.
    Block {
        parent: usize,
    },
    /// A quoted string not closed on its line.
    Quoted {
        quote: u8,
    },
}

fn highlight_line(out: &mut String, line: &str, state: State) -> State {
    let indent = line.len() - line.trim_start_matches(' ').len();
    match state {
        State::Block { parent } if line.trim().is_empty() || indent > parent => {
            span(out, STRING, line);
            return state;
        }
        State::Quoted { quote } => {
            return match closing_quote(line.as_bytes(), 0, quote) {
                Some(end) => {
                    string(out, &line[..=end]);
                    trailing(out, &line[end + 1..]);
                    State::Plain
                }
                None => {
                    string(out, line);
                    state
                }
            };
        }
        _ => {}
    }
    escape(out, &line[..indent]);
    let mut rest = &line[indent..];
    let mut column = indent;
    if rest.starts_with('#') {
        span(out, COMMENT, rest);
        return State::Plain;
    }
    for marker in ["---", "..."] {
        if let Some(after) = rest.strip_prefix(marker)
            && (after.is_empty() || after.starts_with(' '))
        {
            span(out, PUNCTUATION, marker);
            return value(out, after, indent);
        }
    }
    // Sequence entries, nested ones too (`- - a`).
    while rest == "-" || rest.starts_with("- ") {
        span(out, PUNCTUATION, "-");
        let after = &rest[1..];
        let spaces = after.len() - after.trim_start_matches(' ').len();
        escape(out, &after[..spaces]);
        column += 1 + spaces;
        rest = &after[spaces..];
    }
    match key_end(rest) {
        Some(colon) => {
            span(out, KEY, &rest[..colon]);
            span(out, PUNCTUATION, ":");
            value(out, &rest[colon + 1..], column)
        }
        None => value(out, rest, column.saturating_sub(1)),
    }
}

/// The value after a key or a dash. `parent` is the column a block scalar's lines must be
/// indented past.
fn value(out: &mut String, s: &str, parent: usize) -> State {
    let lead = s.len() - s.trim_start_matches(' ').len();
    escape(out, &s[..lead]);
    let s = &s[lead..];
    let Some(&first) = s.as_bytes().first() else {
        return State::Plain;
    };
    match first {
        b'#' => {
            span(out, COMMENT, s);
            State::Plain
        }
        b'"' | b'\'' => match closing_quote(s.as_bytes(), 1, first) {
            Some(end) => {
                string(out, &s[..=end]);
                trailing(out, &s[end + 1..]);
                State::Plain
            }
            None => {
                string(out, s);
                State::Quoted { quote: first }
            }
        },
        b'[' | b'{' => {
            flow(out, s);
            State::Plain
        }
        b'|' | b'>' => {
            let end = s.find(' ').unwrap_or(s.len());
            span(out, PUNCTUATION, &s[..end]);
            trailing(out, &s[end..]);
            State::Block { parent }
        }
        b'&' | b'*' | b'!' => {
            let end = s.find(' ').unwrap_or(s.len());
            span(out, META, &s[..end]);
            value(out, &s[end..], parent)
        }
        _ => {
            let end = comment_start(s).unwrap_or(s.len());
            let scalar_text = s[..end].trim_end_matches(' ');
            scalar(out, scalar_text);
            trailing(out, &s[scalar_text.len()..]);
            State::Plain
        }
    }
}

/// A flow collection (`[a, b]`, `{ a: 1 }`) on one line.
fn flow(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let separated = |at: usize| at >= bytes.len() || matches!(bytes[at], b' ' | b',' | b']' | b'}');
        match c {
            b'[' | b']' | b'{' | b'}' | b',' => {
                flush(out, s, &mut start, i, false);
                span(out, PUNCTUATION, &s[i..=i]);
                i += 1;
            }
            b':' if separated(i + 1) => {
                flush(out, s, &mut start, i, true);
                span(out, PUNCTUATION, ":");
                i += 1;
            }
            b'#' if i == 0 || bytes[i - 1] == b' ' => {
                flush(out, s, &mut start, i, false);
                span(out, COMMENT, &s[i..]);
                return;
            }
            b'"' | b'\'' if start.is_none_or(|from| s[from..i].trim().is_empty()) => {
                flush(out, s, &mut start, i, false);
                match closing_quote(bytes, i + 1, c) {
                    Some(end) => {
                        string(out, &s[i..=end]);
                        i = end + 1;
                    }
                    None => {
                        string(out, &s[i..]);
                        return;
                    }
                }
            }
            _ => {
                start.get_or_insert(i);
                i += 1;
            }
        }
    }
    flush(out, s, &mut start, bytes.len(), false);
}

/// Writes the flow scalar from `start` to `end`, if one is open.
fn flush(out: &mut String, s: &str, start: &mut Option<usize>, end: usize, is_key: bool) {
    let Some(from) = start.take() else { return };
    let text = &s[from..end];
    let trimmed = text.trim_matches(' ');
    let lead = text.len() - text.trim_start_matches(' ').len();
    escape(out, &text[..lead]);
    if is_key {
        span(out, KEY, trimmed);
    } else {
        scalar(out, trimmed);
    }
    escape(out, &text[lead + trimmed.len()..]);
}

/// Spaces and an optional comment after a value; anything else as it is.
fn trailing(out: &mut String, s: &str) {
    let lead = s.len() - s.trim_start_matches(' ').len();
    escape(out, &s[..lead]);
    let rest = &s[lead..];
    if rest.starts_with('#') {
        span(out, COMMENT, rest);
    } else {
        escape(out, rest);
    }
}

/// Where a key's colon is, if the text starts with a key (`name:`, `"a b": `).
fn key_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let is_end = |at: usize| at >= bytes.len() || bytes[at] == b' ';
    match *bytes.first()? {
        quote @ (b'"' | b'\'') => {
            let close = closing_quote(bytes, 1, quote)?;
            let after = &s[close + 1..];
            let spaces = after.len() - after.trim_start_matches(' ').len();
            let colon = close + 1 + spaces;
            (bytes.get(colon) == Some(&b':') && is_end(colon + 1)).then_some(colon)
        }
        b'[' | b'{' | b'#' | b'|' | b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' => None,
        _ => {
            for (i, &c) in bytes.iter().enumerate() {
                if c == b'#' && i > 0 && bytes[i - 1] == b' ' {
                    return None;
                }
                if c == b':' && is_end(i + 1) {
                    return Some(i);
                }
            }
            None
        }
    }
}

/// The index of the quote closing a string whose text starts at `from`. Double quotes
/// escape with a backslash; single quotes by doubling.
fn closing_quote(bytes: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Where a plain scalar's comment starts (` #`), if it has one.
fn comment_start(s: &str) -> Option<usize> {
    s.find(" #")
        .map(|at| at + 1)
        .or_else(|| s.starts_with('#').then_some(0))
}

fn scalar(out: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    match s {
        "null" | "Null" | "NULL" | "~" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => {
            span(out, LITERAL, s);
        }
        _ if is_number(s) => span(out, NUMBER, s),
        _ => string(out, s),
    }
}

/// YAML 1.2's numbers: integers (decimal, `0x`, `0o`), floats, `.inf` and `.nan`.
fn is_number(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return !octal.is_empty() && octal.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count();
    let dots = mantissa.bytes().filter(|b| *b == b'.').count();
    let mantissa_ok = digits > 0 && dots <= 1 && digits + dots == mantissa.len();
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// A string, its `${REFERENCES}` marked inside it.
fn string(out: &mut String, s: &str) {
    let _ = write!(out, "<span class=\"{STRING}\">");
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let Some(length) = rest[start..].find('}') else { break };
        escape(out, &rest[..start]);
        span(out, REFERENCE, &rest[start..=start + length]);
        rest = &rest[start + length + 1..];
    }
    escape(out, rest);
    out.push_str("</span>");
}

fn span(out: &mut String, class: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let _ = write!(out, "<span class=\"{class}\">");
    escape(out, text);
    out.push_str("</span>");
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        to_html(text, &Marks::new())
    }

    /// One line's tokens, as `class:text` pairs (plain text as `:text`).
    fn tokens(line: &str) -> Vec<String> {
        let out = html(line);
        let inner = out
            .strip_prefix("<span class=\"yl\">")
            .and_then(|s| s.strip_suffix("</span>"))
            .unwrap();
        let mut found = Vec::new();
        let mut rest = inner;
        while !rest.is_empty() {
            if let Some(tail) = rest.strip_prefix("<span class=\"") {
                let (class, tail) = tail.split_once("\">").unwrap();
                // Strings hold reference spans: take the whole string span.
                let mut depth = 1;
                let mut end = 0;
                let bytes = tail.as_bytes();
                while depth > 0 {
                    if tail[end..].starts_with("<span") {
                        depth += 1;
                    } else if tail[end..].starts_with("</span>") {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    end += 1;
                    assert!(end < bytes.len(), "unclosed span in {out}");
                }
                found.push(format!("{class}:{}", &tail[..end]));
                rest = &tail[end + "</span>".len()..];
            } else {
                let end = rest.find("<span").unwrap_or(rest.len());
                found.push(format!(":{}", &rest[..end]));
                rest = &rest[end..];
            }
        }
        found
    }

    #[test]
    fn keys_and_scalars() {
        assert_eq!(
            tokens("  timeout_ms: 10000"),
            [":  ", "y-key:timeout_ms", "y-punct::", ": ", "y-num:10000"]
        );
        assert_eq!(
            tokens("enabled: true # on"),
            ["y-key:enabled", "y-punct::", ": ", "y-lit:true", ": ", "y-com:# on"]
        );
        assert_eq!(tokens("url: null"), ["y-key:url", "y-punct::", ": ", "y-lit:null"]);
        assert_eq!(
            tokens("name: \"github\""),
            ["y-key:name", "y-punct::", ": ", "y-str:\"github\""]
        );
        assert_eq!(tokens("plan: team"), ["y-key:plan", "y-punct::", ": ", "y-str:team"]);
        assert_eq!(
            tokens("price: -1.5e3"),
            ["y-key:price", "y-punct::", ": ", "y-num:-1.5e3"]
        );
    }

    #[test]
    fn sequences_and_comments() {
        assert_eq!(
            tokens("  - name: \"a\""),
            [":  ", "y-punct:-", ": ", "y-key:name", "y-punct::", ": ", "y-str:\"a\""]
        );
        assert_eq!(tokens("# The hub"), ["y-com:# The hub"]);
        assert_eq!(tokens("- 42"), ["y-punct:-", ": ", "y-num:42"]);
        assert_eq!(tokens("---"), ["y-punct:---"]);
    }

    #[test]
    fn references_are_marked_inside_strings() {
        assert_eq!(
            tokens("auth_header: \"${OMNI_SECRET_GH_AUTH_HEADER}\""),
            [
                "y-key:auth_header",
                "y-punct::",
                ": ",
                "y-str:\"<span class=\"y-ref\">${OMNI_SECRET_GH_AUTH_HEADER}</span>\""
            ]
        );
    }

    #[test]
    fn flow_collections() {
        assert_eq!(
            tokens("tags: [\"a\", b, 3]"),
            [
                "y-key:tags",
                "y-punct::",
                ": ",
                "y-punct:[",
                "y-str:\"a\"",
                "y-punct:,",
                ": ",
                "y-str:b",
                "y-punct:,",
                ": ",
                "y-num:3",
                "y-punct:]"
            ]
        );
        assert_eq!(
            tokens("x: {a: 1}"),
            [
                "y-key:x",
                "y-punct::",
                ": ",
                "y-punct:{",
                "y-key:a",
                "y-punct::",
                ": ",
                "y-num:1",
                "y-punct:}"
            ]
        );
        assert_eq!(
            tokens("tools: {}"),
            ["y-key:tools", "y-punct::", ": ", "y-punct:{", "y-punct:}"]
        );
    }

    #[test]
    fn urls_and_colons_in_values_are_not_keys() {
        assert_eq!(
            tokens("url: http://127.0.0.1:9/mcp"),
            ["y-key:url", "y-punct::", ": ", "y-str:http://127.0.0.1:9/mcp"]
        );
        assert_eq!(tokens("- a:b"), ["y-punct:-", ": ", "y-str:a:b"]);
    }

    #[test]
    fn block_scalars_and_open_quotes_go_on_over_lines() {
        let out = html("description: |\n  Line one: not a key\n  # not a comment\nnext: 1");
        assert!(out.contains("<span class=\"yl\"><span class=\"y-str\">  Line one: not a key</span></span>"));
        assert!(out.contains("<span class=\"y-str\">  # not a comment</span>"));
        assert!(out.contains("<span class=\"y-key\">next</span>"));
        let out = html("a: \"one\n two\" # c\nb: 2");
        assert!(out.contains("<span class=\"y-str\"> two\"</span> <span class=\"y-com\"># c</span>"));
        assert!(out.contains("<span class=\"y-key\">b</span>"));
    }

    #[test]
    fn everything_is_escaped_and_lines_are_kept() {
        let out = html("a: \"<script>&\"\n\nb: x<y");
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;script&gt;&amp;"));
        assert!(out.contains("x&lt;y"));
        assert_eq!(out.matches("<span class=\"yl\">").count(), 3);
        assert_eq!(line_count("a\n\nb"), 3);
        assert_eq!(line_count("a\n"), 2);
    }

    #[test]
    fn problem_lines_are_marked() {
        let marks = Marks::from([(2, Severity::Error), (3, Severity::Warning)]);
        let out = to_html("a: 1\nb: x\nc: 2", &marks);
        assert!(out.contains("<span class=\"yl is-error\"><span class=\"y-key\">b</span>"));
        assert!(out.contains("<span class=\"yl is-warning\">"));
        let gutter = gutter_html(3, &marks);
        assert_eq!(
            gutter,
            "<span class=\"gl\">1</span><span class=\"gl is-error\">2</span><span class=\"gl is-warning\">3</span>"
        );
    }

    #[test]
    fn numbers() {
        for yes in [
            "0", "-12", "+3", "1.5", ".5", "1e10", "2.5E-3", "0x1F", "0o17", ".inf", "-.inf", ".nan",
        ] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "-", ".", "1.2.3", "1e", "0x", "12ab", "1_000", "e5", "v1"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn caret_offsets_count_as_a_textarea_does() {
        let text = "version: 1\nname: \"é😀\"\nlast";
        assert_eq!(caret_offset(text, 1, 1), 0);
        assert_eq!(caret_offset(text, 2, 1), 11);
        assert_eq!(caret_offset(text, 2, 7), 17);
        assert_eq!(caret_offset(text, 2, 9), 19);
        // "😀" is two UTF-16 units.
        assert_eq!(caret_offset(text, 2, 10), 21);
        // Past the line's end: its end.
        assert_eq!(caret_offset(text, 2, 99), 22);
        assert_eq!(caret_offset(text, 3, 3), 25);
        assert_eq!(caret_offset(text, 9, 1), 27);
    }
}
