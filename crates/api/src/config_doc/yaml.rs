//! Writes any serializable value as block-style YAML, in the order serde gives (struct
//! fields as declared, maps as iterated: `BTreeMap`s sorted), so the same value is always
//! the same text.
//!
//! Strings are written double-quoted with JSON's escapes, which YAML 1.2 reads the same
//! way: no string can be mistaken for a number, a boolean or null (`"no"`, `"1.0"`,
//! `"null"` stay strings), and any character survives. Keys that are plain identifiers
//! are written bare. Absent options are written `null`.

use std::fmt::Write;

use serde::Serialize;
use serde::ser::{self, Impossible};

/// A value as an ordered tree.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// A scalar, already in YAML form.
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// `value` as a YAML document (ending with a newline).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let node = value.serialize(Tree)?;
    let mut out = String::new();
    match &node {
        Node::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0),
        Node::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    Ok(out)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

fn key(k: &str) -> String {
    let bare = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && !matches!(
            k.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if bare { k.to_owned() } else { quote(k) }
}

/// Empty collections and scalars on one line.
fn inline(node: &Node) -> String {
    match node {
        Node::Scalar(s) => s.clone(),
        Node::Seq(items) if items.is_empty() => "[]".into(),
        Node::Map(entries) if entries.is_empty() => "{}".into(),
        Node::Seq(_) | Node::Map(_) => unreachable!("only empty collections are inline"),
    }
}

fn is_block(node: &Node) -> bool {
    match node {
        Node::Scalar(_) => false,
        Node::Seq(items) => !items.is_empty(),
        Node::Map(entries) => !entries.is_empty(),
    }
}

fn write_map(out: &mut String, entries: &[(String, Node)], indent: usize) {
    for (k, v) in entries {
        let _ = write!(out, "{:indent$}{}:", "", key(k));
        match v {
            Node::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, indent + 2);
            }
            Node::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent + 2);
            }
            other => {
                let _ = writeln!(out, " {}", inline(other));
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        let _ = write!(out, "{:indent$}-", "");
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                // The first entry on the dash's line, the rest under it.
                let mut first = String::new();
                write_map(&mut first, entries, indent + 2);
                out.push(' ');
                out.push_str(first.trim_start());
            }
            Node::Seq(inner) if is_block(item) => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            other => {
                let _ = writeln!(out, " {}", inline(other));
            }
        }
    }
}

struct Tree;

/// `serialize_<type>` for integer types: the number as written.
macro_rules! integers {
    ($($t:ident)*) => {$(
        paste_serialize!($t, v, scalar(v.to_string()));
    )*};
}

/// `serialize_<type>` for types that cannot be map keys.
macro_rules! refuse_keys {
    ($($t:ident)*) => {$(
        paste_serialize!($t, _v, Err(not_a_key()));
    )*};
}

/// One `serialize_<type>(self, v: type)` method; `$ret` is its body.
macro_rules! paste_serialize {
    (bool, $v:ident, $ret:expr) => {
        fn serialize_bool(self, $v: bool) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (i8, $v:ident, $ret:expr) => {
        fn serialize_i8(self, $v: i8) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (i16, $v:ident, $ret:expr) => {
        fn serialize_i16(self, $v: i16) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (i32, $v:ident, $ret:expr) => {
        fn serialize_i32(self, $v: i32) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (i64, $v:ident, $ret:expr) => {
        fn serialize_i64(self, $v: i64) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (u8, $v:ident, $ret:expr) => {
        fn serialize_u8(self, $v: u8) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (u16, $v:ident, $ret:expr) => {
        fn serialize_u16(self, $v: u16) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (u32, $v:ident, $ret:expr) => {
        fn serialize_u32(self, $v: u32) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (u64, $v:ident, $ret:expr) => {
        fn serialize_u64(self, $v: u64) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (f32, $v:ident, $ret:expr) => {
        fn serialize_f32(self, $v: f32) -> Result<Self::Ok, Error> {
            $ret
        }
    };
    (f64, $v:ident, $ret:expr) => {
        fn serialize_f64(self, $v: f64) -> Result<Self::Ok, Error> {
            $ret
        }
    };
}

fn scalar(s: impl Into<String>) -> Result<Node, Error> {
    Ok(Node::Scalar(s.into()))
}

impl ser::Serializer for Tree {
    type Ok = Node;
    type Error = Error;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Impossible<Node, Error>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Impossible<Node, Error>;

    fn serialize_bool(self, v: bool) -> Result<Node, Error> {
        scalar(if v { "true" } else { "false" })
    }
    integers!(i8 i16 i32 i64 u8 u16 u32 u64);
    fn serialize_f32(self, v: f32) -> Result<Node, Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Node, Error> {
        if !v.is_finite() {
            return Err(Error("numbers must be finite".into()));
        }
        // serde_json's shortest round-trip form, always with a `.` or an exponent, so it
        // reads back as a float.
        let text = serde_json::to_string(&v).expect("finite floats serialize");
        scalar(if text.contains(['.', 'e', 'E']) {
            text
        } else {
            format!("{text}.0")
        })
    }
    fn serialize_char(self, v: char) -> Result<Node, Error> {
        scalar(quote(&v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Node, Error> {
        scalar(quote(v))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Node, Error> {
        Err(Error("bytes have no YAML form here".into()))
    }
    fn serialize_none(self) -> Result<Node, Error> {
        scalar("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Node, Error> {
        scalar("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Node, Error> {
        scalar("null")
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Node, Error> {
        scalar(quote(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<Node, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Node, Error> {
        Ok(Node::Map(vec![(variant.to_owned(), value.serialize(Tree)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Error> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error("tuple variants have no YAML form here".into()))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error("struct variants have no YAML form here".into()))
    }
}

struct Seq(Vec<Node>);

impl ser::SerializeSeq for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.0.push(value.serialize(Tree)?);
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Seq(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Node, Error> {
        ser::SerializeSeq::end(self)
    }
}

struct Map {
    entries: Vec<(String, Node)>,
    key: Option<String>,
}

impl ser::SerializeMap for Map {
    type Ok = Node;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeyName)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().ok_or_else(|| Error("a value without a key".into()))?;
        self.entries.push((key, value.serialize(Tree)?));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Map(self.entries))
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Node;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.entries.push((key.to_owned(), value.serialize(Tree)?));
        Ok(())
    }
    fn end(self) -> Result<Node, Error> {
        Ok(Node::Map(self.entries))
    }
}

/// Map keys: strings (and string-like values) only.
struct KeyName;

impl ser::Serializer for KeyName {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    refuse_keys!(bool i8 i16 i32 i64 u8 u16 u32 u64 f32 f64);
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(not_a_key())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_key())
    }
}

fn not_a_key() -> Error {
    Error("map keys must be strings".into())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    #[derive(Serialize)]
    struct Server {
        name: String,
        tags: Vec<String>,
        url: Option<String>,
        timeout_ms: i32,
        price: f64,
        tools: BTreeMap<String, String>,
        nested: Vec<Vec<i32>>,
    }

    #[test]
    fn writes_block_yaml_in_declaration_order_with_safe_strings() {
        let servers = vec![
            Server {
                name: "no".into(),
                tags: vec![],
                url: None,
                timeout_ms: 10_000,
                price: 3.0,
                tools: BTreeMap::from([("b tool".into(), "approved".into()), ("a".into(), "pending".into())]),
                nested: vec![vec![1, 2], vec![]],
            },
            Server {
                name: "line\nbreak \"quoted\" é".into(),
                tags: vec!["1.0".into(), "null".into()],
                url: Some("http://x/mcp".into()),
                timeout_ms: -1,
                price: 0.25,
                tools: BTreeMap::new(),
                nested: vec![],
            },
        ];
        let yaml = super::to_string(&BTreeMap::from([("mcp_servers", servers)])).unwrap();
        assert_eq!(
            yaml,
            r#"mcp_servers:
  - name: "no"
    tags: []
    url: null
    timeout_ms: 10000
    price: 3.0
    tools:
      a: "pending"
      "b tool": "approved"
    nested:
      -
        - 1
        - 2
      - []
  - name: "line\nbreak \"quoted\" é"
    tags:
      - "1.0"
      - "null"
    url: "http://x/mcp"
    timeout_ms: -1
    price: 0.25
    tools: {}
    nested: []
"#
        );
    }

    #[test]
    fn refuses_what_yaml_cannot_hold_here() {
        assert!(super::to_string(&f64::NAN).is_err());
        assert!(super::to_string(&BTreeMap::from([(1, 2)])).is_err());
    }
}
