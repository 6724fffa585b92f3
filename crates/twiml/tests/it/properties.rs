//! Any text in any attribute or body comes back unchanged from an XML parser, but for the
//! characters XML 1.0 forbids, which are dropped ([`twilio_twiml::sanitize`]); no input makes
//! a document that is not well-formed.

use proptest::prelude::*;
use twilio_twiml::{
    Dial, Gather, Message, MessagingResponse, Number, Parameter, Say, Start, Stream, VoiceResponse,
    sanitize,
};

use crate::support::{Item, Tree, parse};

/// Text with more than its share of what XML treats specially.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop_oneof![
        Just('<'),
        Just('>'),
        Just('&'),
        Just('"'),
        Just('\''),
        Just('\r'),
        Just('\n'),
        Just('\t'),
        Just(' '),
        Just('\0'),
        Just('\u{1}'),
        Just('\u{b}'),
        Just('\u{1f}'),
        Just('\u{7f}'),
        Just('\u{85}'),
        Just('\u{2028}'),
        Just('\u{fffe}'),
        Just('\u{ffff}'),
        Just('🎉'),
        Just(']'),
        Just(';'),
        Just('#'),
    ];
    prop::collection::vec(prop_oneof![3 => any::<char>(), 2 => tricky], 0..24)
        .prop_map(|chars| chars.into_iter().collect())
}

fn text_item(text: &str) -> Vec<Item> {
    let text = sanitize(text);
    if text.is_empty() {
        Vec::new()
    } else {
        vec![Item::Text(text.into_owned())]
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn voice_text_and_attributes_round_trip(
        body in text(), language in text(), action in text(), prompt in text(),
        name in text(), value in text(), number in text(),
    ) {
        let xml = VoiceResponse::new()
            .say(Say::new(body.as_str()).language(language.as_str()))
            .gather(Gather::new().action(action.as_str()).say(prompt.as_str()))
            .start(Start::new().stream(Stream::new().parameter(Parameter::new(name.as_str(), value.as_str()))))
            .dial(Dial::new().number(Number::new(number.as_str()).send_digits(value.as_str())))
            .to_xml();
        let s = |t: &str| sanitize(t).into_owned();
        let expected = Tree::new("Response", &[], vec![
            Item::Element(Tree::new("Say", &[("language", &s(&language))], text_item(&body))),
            Item::Element(Tree::new("Gather", &[("action", &s(&action))], vec![
                Item::Element(Tree::new("Say", &[], text_item(&prompt))),
            ])),
            Item::Element(Tree::new("Start", &[], vec![
                Item::Element(Tree::new("Stream", &[], vec![
                    Item::Element(Tree::new("Parameter", &[("name", &s(&name)), ("value", &s(&value))], vec![])),
                ])),
            ])),
            Item::Element(Tree::new("Dial", &[], vec![
                Item::Element(Tree::new("Number", &[("sendDigits", &s(&value))], text_item(&number))),
            ])),
        ]);
        prop_assert_eq!(parse(&xml), expected);
    }

    #[test]
    fn messaging_text_and_attributes_round_trip(
        body in text(), to in text(), from in text(), callback in text(), media in text(),
    ) {
        let xml = MessagingResponse::new()
            .message(Message::new(body.as_str()).to(to.as_str()).from_(from.as_str()))
            .message(Message::empty().status_callback(callback.as_str()).body(body.as_str()).media(media.as_str()))
            .to_string();
        let s = |t: &str| sanitize(t).into_owned();
        let expected = Tree::new("Response", &[], vec![
            Item::Element(Tree::new("Message", &[("from", &s(&from)), ("to", &s(&to))], text_item(&body))),
            Item::Element(Tree::new("Message", &[("statusCallback", &s(&callback))], vec![
                Item::Element(Tree::new("Body", &[], text_item(&body))),
                Item::Element(Tree::new("Media", &[], text_item(&media))),
            ])),
        ]);
        prop_assert_eq!(parse(&xml), expected);
    }

    #[test]
    fn sanitize_keeps_exactly_the_xml_characters(input in text()) {
        let kept = sanitize(&input);
        let expected: String = input
            .chars()
            .filter(|c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
            .collect();
        prop_assert_eq!(kept, expected);
    }
}

#[test]
fn the_parser_used_here_normalizes_what_a_raw_value_would_lose() {
    // Why values are escaped beyond `&<>"`: a raw line break in an attribute comes back as a
    // space, and a raw CR LF in text as a LF. The parser must see this, or the round trips
    // above would prove nothing.
    let tree = parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a b=\"x\ny\">p\r\nq</a>");
    assert_eq!(
        tree,
        Tree::new("a", &[("b", "x y")], vec![Item::Text("p\nq".to_owned())])
    );
}

#[test]
fn control_characters_are_dropped_and_the_rest_kept() {
    let xml = MessagingResponse::new()
        .message(Message::new("a\u{0}b\u{7}c\r\nd \"<&>\" 🎉").to("x\ty\u{1b}"))
        .to_xml();
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message to=\"x&#09;y\">\
         abc&#13;\nd \"&lt;&amp;&gt;\" 🎉</Message></Response>"
    );
    assert_eq!(
        parse(&xml),
        Tree::new(
            "Response",
            &[],
            vec![Item::Element(Tree::new(
                "Message",
                &[("to", "x\ty")],
                vec![Item::Text("abc\r\nd \"<&>\" 🎉".to_owned())],
            ))]
        )
    );
}
