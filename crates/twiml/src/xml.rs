//! The element tree every builder wraps, its rendering through quick-xml's writer, and the
//! escaping of text and attribute values.
//!
//! quick-xml writes the structure (tags, the declaration, empty elements); the values are
//! escaped here, because its own attribute escaping leaves line breaks and tabs as they are,
//! which a parser then normalizes to spaces (XML 1.0, 3.3.3): a `\n` in an attribute would not
//! reach Twilio as a `\n`.

use std::borrow::Cow;
use std::io;

use quick_xml::Writer;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;

/// One TwiML element: its tag, its attributes in the order first set, its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    tag: &'static str,
    attributes: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

/// A child of an element: another element or text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub(crate) const fn new(tag: &'static str) -> Self {
        Self {
            tag,
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The element with `text` as its first child (none when `text` is empty, as the
    /// official SDKs do).
    pub(crate) fn with_text(tag: &'static str, text: String) -> Self {
        let mut element = Self::new(tag);
        element.text(text);
        element
    }

    /// Sets an attribute, replacing an earlier value of the same name.
    pub(crate) fn set(&mut self, name: &'static str, value: String) {
        match self.attributes.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => *old = value,
            None => self.attributes.push((name, value)),
        }
    }

    pub(crate) fn push(&mut self, node: Node) {
        self.children.push(node);
    }

    /// Appends text (nothing for an empty string).
    pub(crate) fn text(&mut self, text: String) {
        if !text.is_empty() {
            self.children.push(Node::Text(text));
        }
    }

    /// Writes the XML declaration and this element, as the official SDKs do: attributes
    /// sorted by name, `<Empty />` with a space, no indentation.
    pub(crate) fn write_document(&self, out: impl io::Write) -> io::Result<()> {
        let mut writer = Writer::new(out);
        writer.config_mut().add_space_before_slash_in_empty_elements = true;
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        self.write(&mut writer)
    }

    /// The whole document as a string.
    pub(crate) fn to_document(&self) -> String {
        let mut buffer = Vec::new();
        match self.write_document(&mut buffer) {
            // Every piece written is a `&str` or ASCII, so the bytes are UTF-8; the lossy
            // conversion never replaces anything.
            Ok(()) => String::from_utf8_lossy(&buffer).into_owned(),
            // A `Vec<u8>` accepts every write.
            Err(_) => unreachable!("writing to a Vec<u8> cannot fail"),
        }
    }

    fn write<W: io::Write>(&self, writer: &mut Writer<W>) -> io::Result<()> {
        let mut start = BytesStart::new(self.tag);
        let mut attributes: Vec<&(&'static str, String)> = self.attributes.iter().collect();
        attributes.sort_by_key(|(name, _)| *name);
        for (name, value) in attributes {
            start.push_attribute(Attribute {
                key: QName(name),
                value: escape(value, Context::Attribute),
            });
        }
        if self.children.is_empty() {
            return writer.write_event(Event::Empty(start));
        }
        writer.write_event(Event::Start(start))?;
        for child in &self.children {
            match child {
                Node::Element(element) => element.write(writer)?,
                Node::Text(text) => writer.write_event(Event::Text(BytesText::from_escaped(
                    escape(text, Context::Text),
                )))?,
            }
        }
        writer.write_event(Event::End(BytesEnd::new(self.tag)))
    }
}

/// Where a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Text,
    Attribute,
}

/// Whether XML 1.0 allows `c` anywhere in a document (its `Char` production; a Rust string
/// holds no surrogates).
const fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The entity for `c` in `context`, if it needs one.
const fn entity(c: char, context: Context) -> Option<&'static str> {
    match (c, context) {
        ('&', _) => Some("&amp;"),
        ('<', _) => Some("&lt;"),
        ('>', _) => Some("&gt;"),
        // A parser turns a raw CR (or CR LF) into LF in text and attributes alike.
        ('\r', _) => Some("&#13;"),
        ('"', Context::Attribute) => Some("&quot;"),
        // A parser turns raw tabs and line breaks in an attribute into spaces.
        ('\n', Context::Attribute) => Some("&#10;"),
        ('\t', Context::Attribute) => Some("&#09;"),
        _ => None,
    }
}

/// `text` escaped for `context`, without the characters XML 1.0 forbids.
fn escape(text: &str, context: Context) -> Cow<'_, str> {
    if text
        .chars()
        .all(|c| is_xml_char(c) && entity(c, context).is_none())
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match entity(c, context) {
            Some(entity) => out.push_str(entity),
            None if is_xml_char(c) => out.push(c),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// `text` as TwiML carries it: without the characters XML 1.0 forbids even as character
/// references (the C0 controls other than tab, line feed and carriage return, and U+FFFE
/// and U+FFFF). Everything else reaches Twilio's parser exactly as given.
///
/// Every text and attribute value goes through this when a document is written: a TwiML
/// document is always well-formed XML, whatever its strings hold. A control character has no
/// meaning in a spoken or texted message, and replacing it would add something the caller
/// never wrote, so it is dropped.
///
/// ```
/// use twilio_twiml::sanitize;
///
/// assert_eq!(sanitize("bell\u{7} & tab\t"), "bell & tab\t");
/// assert_eq!(sanitize("emoji 🎉 stay"), "emoji 🎉 stay");
/// ```
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup_and_carriage_returns_only() {
        assert_eq!(
            escape("a<b>&\"'\r\n\t", Context::Text),
            "a&lt;b&gt;&amp;\"'&#13;\n\t"
        );
    }

    #[test]
    fn attributes_escape_quotes_and_whitespace_a_parser_would_normalize() {
        assert_eq!(
            escape("a<b>&\"'\r\n\t", Context::Attribute),
            "a&lt;b&gt;&amp;&quot;'&#13;&#10;&#09;"
        );
    }

    #[test]
    fn forbidden_characters_are_dropped_everywhere() {
        let text = "\u{0}a\u{1}\u{8}\u{b}\u{c}\u{1f}b\u{fffe}\u{ffff}c\u{7f}\u{85}";
        assert_eq!(escape(text, Context::Text), "abc\u{7f}\u{85}");
        assert_eq!(escape(text, Context::Attribute), "abc\u{7f}\u{85}");
        assert_eq!(sanitize(text), "abc\u{7f}\u{85}");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape("Hello 🎉", Context::Text),
            Cow::Borrowed(_)
        ));
        assert!(matches!(sanitize("Hello"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_document_sorts_attributes_and_spaces_empty_elements() {
        let mut root = Element::new("Response");
        let mut say = Element::with_text("Say", "Hi & bye".to_owned());
        say.set("voice", "alice".to_owned());
        say.set("loop", "2".to_owned());
        say.set("voice", "man".to_owned());
        root.push(Node::Element(say));
        root.push(Node::Element(Element::new("Hangup")));
        assert_eq!(
            root.to_document(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\
             <Say loop=\"2\" voice=\"man\">Hi &amp; bye</Say><Hangup /></Response>"
        );
    }

    #[test]
    fn empty_text_adds_no_child() {
        assert_eq!(
            Element::with_text("Say", String::new()).to_document(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Say />"
        );
    }
}
