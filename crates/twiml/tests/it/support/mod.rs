//! Reading a document back with quick-xml's reader, as a conforming XML 1.0 parser does:
//! entities and character references resolved, line ends and attribute whitespace
//! normalized.

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// An element as a parser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tree {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Item>,
}

/// A child: an element or a run of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Item {
    Element(Tree),
    Text(String),
}

impl Tree {
    pub(crate) fn new(name: &str, attributes: &[(&str, &str)], children: Vec<Item>) -> Self {
        Self {
            name: name.to_owned(),
            attributes: attributes
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            children,
        }
    }
}

fn push_text(children: &mut Vec<Item>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Item::Text(last)) = children.last_mut() {
        last.push_str(text);
    } else {
        children.push(Item::Text(text.to_owned()));
    }
}

/// Parses `xml`, failing on anything a well-formed document cannot hold: a missing or other
/// declaration, mismatched tags, an unknown entity, a character XML 1.0 forbids, content
/// after the root.
pub(crate) fn parse(xml: &str) -> Tree {
    let body = xml
        .strip_prefix(r#"<?xml version="1.0" encoding="UTF-8"?>"#)
        .expect("the declaration");
    for c in xml.chars() {
        assert!(
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..),
            "{c:?} is not an XML 1.0 character: {xml:?}"
        );
    }
    let mut reader = Reader::from_str(body);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Tree> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{e}: {xml:?}"));
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                assert!(root.is_none(), "content after the root: {xml:?}");
                let mut attributes = Vec::new();
                for attribute in start.attributes() {
                    let attribute = attribute.unwrap();
                    let name = attribute.key.as_ref().to_owned();
                    let value = attribute.normalized_value(XmlVersion::Explicit1_0).unwrap();
                    attributes.push((name, value.into_owned()));
                }
                let name = start.name().as_ref().to_owned();
                let tree = Tree {
                    name,
                    attributes,
                    children: Vec::new(),
                };
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, tree);
                } else {
                    stack.push(tree);
                }
            }
            Event::End(_) => {
                let tree = stack.pop().expect("an open element");
                close(&mut stack, &mut root, tree);
            }
            Event::Text(text) => {
                let parent = stack.last_mut().expect("text inside the root");
                push_text(&mut parent.children, &text.xml10_content());
            }
            Event::GeneralRef(reference) => {
                let parent = stack.last_mut().expect("a reference inside the root");
                let resolved = match reference.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match &*reference.xml10_content() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => panic!("unknown entity {other}: {xml:?}"),
                    },
                };
                push_text(&mut parent.children, &resolved);
            }
            Event::Eof => break,
            other => panic!("unexpected {other:?} in {xml:?}"),
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {xml:?}");
    root.expect("a root element")
}

fn close(stack: &mut [Tree], root: &mut Option<Tree>, tree: Tree) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Item::Element(tree)),
        None => *root = Some(tree),
    }
}
