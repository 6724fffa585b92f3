//! Reading TwiML as a call does: the verbs of a `<Response>` (and the nouns inside them, such
//! as `<Dial><Number>`), their attributes and text, with `quick-xml` (the same reader the
//! `twilio-twiml` crate writes with). No I/O.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use serde_json::{Map, Value};

/// One element a call read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verb {
    /// `Say`, `Dial`, `Number`…
    pub(crate) name: String,
    /// The verb it sits in (`Dial` for a `Number`), `None` for a verb of the `<Response>`.
    pub(crate) parent: Option<String>,
    pub(crate) attributes: Vec<(String, String)>,
    /// Its text, trimmed (`None` when it has none).
    pub(crate) text: Option<String>,
}

impl Verb {
    /// As the parameters of a call event.
    pub(crate) fn parameters(&self) -> Value {
        let mut map = Map::new();
        map.insert("verb".to_owned(), Value::String(self.name.clone()));
        map.insert(
            "parent".to_owned(),
            self.parent.clone().map_or(Value::Null, Value::String),
        );
        let attributes: Map<String, Value> = self
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        map.insert("attributes".to_owned(), Value::Object(attributes));
        map.insert(
            "text".to_owned(),
            self.text.clone().map_or(Value::Null, Value::String),
        );
        Value::Object(map)
    }
}

/// The most elements read from one document.
const MAX_VERBS: usize = 100;

fn element(start: &BytesStart<'_>, parent: Option<String>) -> Result<Verb, String> {
    let name = start.name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| format!("a malformed attribute of <{name}>: {e}"))?;
        let key = attribute.key.as_ref().to_owned();
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("attribute {key} of <{name}>: {e}"))?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(Verb {
        name,
        parent,
        attributes,
        text: None,
    })
}

/// The elements of a TwiML document below its `<Response>`, in document order; an error
/// saying what is wrong for a document that is not well-formed TwiML.
pub(crate) fn read(document: &str) -> Result<Vec<Verb>, String> {
    let mut reader = Reader::from_str(document);
    let mut verbs: Vec<Verb> = Vec::new();
    // The open elements: their names, and the index of their `Verb` (none for `Response`).
    let mut open: Vec<(String, Option<usize>)> = Vec::new();
    let mut seen_response = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            Event::Start(start) if open.is_empty() => {
                root(&start, &mut seen_response)?;
                open.push(("Response".to_owned(), None));
            }
            Event::Empty(start) if open.is_empty() => root(&start, &mut seen_response)?,
            Event::Start(start) => {
                let parent = open.last().and_then(|(name, i)| i.map(|_| name.clone()));
                if verbs.len() >= MAX_VERBS {
                    return Err(format!("more than {MAX_VERBS} elements"));
                }
                let verb = element(&start, parent)?;
                open.push((verb.name.clone(), Some(verbs.len())));
                verbs.push(verb);
            }
            Event::Empty(start) => {
                let parent = open.last().and_then(|(name, i)| i.map(|_| name.clone()));
                if verbs.len() >= MAX_VERBS {
                    return Err(format!("more than {MAX_VERBS} elements"));
                }
                verbs.push(element(&start, parent)?);
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                push_text(&open, &mut verbs, &content);
            }
            Event::CData(data) => {
                let content = data.xml10_content().into_owned();
                push_text(&open, &mut verbs, &content);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = reference.xml10_content();
                        resolve_predefined_entity(&name)
                            .map(str::to_owned)
                            .ok_or_else(|| format!("an unknown entity &{name};"))?
                    }
                };
                push_text(&open, &mut verbs, &resolved);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !seen_response {
        return Err("no <Response>".to_owned());
    }
    if let Some((name, _)) = open.last() {
        return Err(format!("<{name}> is not closed"));
    }
    for verb in &mut verbs {
        if let Some(text) = verb.text.take() {
            let trimmed = text.trim();
            verb.text = (!trimmed.is_empty()).then(|| trimmed.to_owned());
        }
    }
    Ok(verbs)
}

/// Checks the root element: one `<Response>`.
fn root(start: &BytesStart<'_>, seen: &mut bool) -> Result<(), String> {
    if start.name().as_ref() != "Response" || *seen {
        return Err("the document's root is not one <Response>".to_owned());
    }
    *seen = true;
    Ok(())
}

fn push_text(open: &[(String, Option<usize>)], verbs: &mut [Verb], content: &str) {
    if let Some(verb) = open
        .last()
        .and_then(|(_, i)| *i)
        .and_then(|i| verbs.get_mut(i))
    {
        verb.text.get_or_insert_with(String::new).push_str(content);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_nouns_attributes_and_text() {
        let verbs = read(
            r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Hi &amp; bye &#x1F600;</Say><Dial timeout="10"><Number>+15005550006</Number></Dial><Hangup/></Response>"#,
        )
        .unwrap();
        let names: Vec<(&str, Option<&str>)> = verbs
            .iter()
            .map(|v| (v.name.as_str(), v.parent.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("Say", None),
                ("Dial", None),
                ("Number", Some("Dial")),
                ("Hangup", None)
            ]
        );
        assert_eq!(verbs[0].text.as_deref(), Some("Hi & bye 😀"));
        assert_eq!(
            verbs[0].attributes,
            [("voice".to_owned(), "alice".to_owned())]
        );
        assert_eq!(verbs[2].text.as_deref(), Some("+15005550006"));
        assert_eq!(read("<Response/>").unwrap(), []);
        assert!(read("<Response><Say>").is_err());
        assert!(read("<Nope/>").is_err());
        assert!(read("not xml").is_err());
        assert!(read("<Response><Say>&bogus;</Say></Response>").is_err());
    }
}
