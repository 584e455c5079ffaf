//! One tree for every Open311 answer, written out as JSON or as XML, so that the two formats
//! cannot drift apart: the XML names each list's items (`services` → `service`), the JSON writes
//! lists as arrays.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Number, Value};

/// The two formats GeoReport v2 defines; XML is the mandatory one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xml => "text/xml; charset=utf-8",
            Format::Json => "application/json; charset=utf-8",
        }
    }

    /// Splits `name.json` / `name.xml` into the name and its format; no extension means XML.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        match file.rsplit_once('.') {
            Some((name, "json")) => Some((name, Format::Json)),
            Some((name, "xml")) => Some((name, Format::Xml)),
            Some(_) => None,
            None => Some((file, Format::Xml)),
        }
    }
}

/// A value in an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null` in JSON, an empty element in XML.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// A list; in XML each item is an element named `item`.
    List {
        item: &'static str,
        items: Vec<Node>,
    },
    Object(Vec<(&'static str, Node)>),
}

impl Node {
    pub fn text(s: impl Into<String>) -> Node {
        Node::Text(s.into())
    }

    pub fn opt_text(s: Option<impl Into<String>>) -> Node {
        s.map(|s| Node::Text(s.into())).unwrap_or(Node::Null)
    }

    pub fn list(item: &'static str, items: Vec<Node>) -> Node {
        Node::List { item, items }
    }

    fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::Number((*i).into()),
            Node::Float(f) => Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Node::Text(s) => Value::String(s.clone()),
            Node::List { items, .. } => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Object(fields) => {
                let mut map = Map::new();
                for (name, value) in fields {
                    map.insert((*name).to_owned(), value.to_json());
                }
                Value::Object(map)
            }
        }
    }

    fn write_xml(&self, name: &str, out: &mut String) {
        match self {
            Node::Null => {
                out.push('<');
                out.push_str(name);
                out.push_str("/>");
            }
            Node::Object(fields) => {
                open(name, out);
                for (field, value) in fields {
                    value.write_xml(field, out);
                }
                close(name, out);
            }
            Node::List { item, items } => {
                open(name, out);
                for value in items {
                    value.write_xml(item, out);
                }
                close(name, out);
            }
            scalar => {
                open(name, out);
                escape_into(&scalar.scalar_text(), out);
                close(name, out);
            }
        }
    }

    fn scalar_text(&self) -> String {
        match self {
            Node::Bool(b) => b.to_string(),
            Node::Int(i) => i.to_string(),
            Node::Float(f) => f.to_string(),
            Node::Text(s) => s.clone(),
            Node::Null | Node::List { .. } | Node::Object(_) => String::new(),
        }
    }
}

fn open(name: &str, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// Escapes text for XML, dropping the characters XML 1.0 does not allow at all.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// A whole answer: the root element (XML) around a list or an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub root: &'static str,
    pub body: Node,
}

impl Doc {
    /// A list answer, e.g. `services` of `service`.
    pub fn list(root: &'static str, item: &'static str, items: Vec<Node>) -> Doc {
        Doc {
            root,
            body: Node::list(item, items),
        }
    }

    pub fn object(root: &'static str, fields: Vec<(&'static str, Node)>) -> Doc {
        Doc {
            root,
            body: Node::Object(fields),
        }
    }

    pub fn to_json(&self) -> Value {
        self.body.to_json()
    }

    pub fn to_xml(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.body.write_xml(self.root, &mut out);
        out.push('\n');
        out
    }

    pub fn render(&self, format: Format) -> String {
        match format {
            Format::Xml => self.to_xml(),
            Format::Json => self.to_json().to_string(),
        }
    }

    pub fn respond(&self, format: Format, status: StatusCode) -> Response {
        let mut response = (status, self.render(format)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_tree_in_both_formats() {
        let doc = Doc::list(
            "errors",
            "error",
            vec![Node::Object(vec![
                ("code", Node::Int(400)),
                ("description", Node::text("a < b & \"c\"\u{1}")),
                ("none", Node::Null),
                ("flag", Node::Bool(true)),
                ("at", Node::Float(41.5)),
            ])],
        );
        assert_eq!(
            doc.to_xml(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<errors><error><code>400</code>\
             <description>a &lt; b &amp; &quot;c&quot;</description><none/><flag>true</flag>\
             <at>41.5</at></error></errors>\n"
        );
        assert_eq!(
            doc.to_json(),
            serde_json::json!([{"code": 400, "description": "a < b & \"c\"\u{1}", "none": null,
                                "flag": true, "at": 41.5}])
        );
    }

    #[test]
    fn formats_from_file_names() {
        assert_eq!(
            Format::split("2026-000001.json"),
            Some(("2026-000001", Format::Json))
        );
        assert_eq!(Format::split("lights.xml"), Some(("lights", Format::Xml)));
        assert_eq!(Format::split("lights"), Some(("lights", Format::Xml)));
        assert_eq!(Format::split("lights.html"), None);
    }
}
