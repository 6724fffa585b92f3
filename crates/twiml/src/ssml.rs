//! SSML inside `<Say>` (Amazon Polly and Google voices): each tag accepts the tags Twilio's
//! documentation lets it hold, and text between them ([`Emphasis::text`] and the like).
//!
//! ```
//! use twilio_twiml::ssml::{Emphasis, SayAs};
//! use twilio_twiml::{EmphasisLevel, InterpretAs, Say, VoiceResponse};
//!
//! let say = Say::new("Your code is ")
//!     .say_as(SayAs::new("1234").interpret_as(InterpretAs::Digits))
//!     .text(". ")
//!     .emphasis(Emphasis::new("Do not share it").level(EmphasisLevel::Strong));
//! assert!(VoiceResponse::new().say(say).to_xml().contains(
//!     r#"<Say>Your code is <say-as interpret-as="digits">1234</say-as>. <emphasis level="strong">Do not share it</emphasis></Say>"#
//! ));
//! ```

use crate::values::{BreakStrength, EmphasisLevel, InterpretAs, PhonemeAlphabet, SayAsFormat};

element! {
    /// `<break>`: a pause.
    Break = "break"
}

impl Break {
    /// `<break />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Break {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Break {
    strength: one(BreakStrength) = "strength";
    /// A duration: `"500ms"`, `"2s"`.
    time: text = "time";
});

element! {
    /// `<emphasis>`: words spoken with emphasis.
    Emphasis = "emphasis"
}

attributes!(Emphasis {
    level: one(EmphasisLevel) = "level";
});

element! {
    /// `<lang>`: words in another language.
    Lang = "lang"
}

attributes!(Lang {
    /// The language, e.g. `fr-FR`.
    xml_lang: text = "xml:lang";
});

element! {
    /// `<p>`: a paragraph.
    Paragraph = "p"
}

element! {
    /// `<phoneme>`: a pronunciation.
    Phoneme = "phoneme"
}

attributes!(Phoneme {
    alphabet: one(PhonemeAlphabet) = "alphabet";
    /// The pronunciation in the alphabet.
    ph: text = "ph";
});

element! {
    /// `<prosody>`: volume, rate and pitch.
    Prosody = "prosody"
}

attributes!(Prosody {
    volume: text = "volume";
    rate: text = "rate";
    pitch: text = "pitch";
});

element! {
    /// `<s>`: a sentence.
    Sentence = "s"
}

element! {
    /// `<say-as>`: how to read words (digits, a date...).
    SayAs = "say-as"
}

attributes!(SayAs {
    interpret_as: one(InterpretAs) = "interpret-as";
    format: one(SayAsFormat) = "format";
});

element! {
    /// `<sub>`: words read as an alias.
    Sub = "sub"
}

attributes!(Sub {
    alias: text = "alias";
});

element! {
    /// `<w>`: a word with a part of speech.
    Word = "w"
}

attributes!(Word {
    /// E.g. `amazon:VB`.
    role: text = "role";
});

macro_rules! with_words {
    ($($name:ident),*) => {
        $(
            impl $name {
                #[doc = concat!("The tag around `words`.")]
                pub fn new(words: impl Into<String>) -> Self {
                    Self::with_text(words)
                }
            }

            impl From<&str> for $name {
                fn from(words: &str) -> Self {
                    Self::new(words)
                }
            }
        )*
    };
}

with_words!(
    Emphasis, Lang, Paragraph, Phoneme, Prosody, Sentence, SayAs, Sub, Word
);
mixed_text!(Emphasis, Lang, Paragraph, Prosody, Sentence, Word);

children!(Emphasis {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    phoneme: Phoneme,
    prosody: Prosody,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

children!(Lang {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    p: Paragraph,
    phoneme: Phoneme,
    prosody: Prosody,
    s: Sentence,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

children!(Paragraph {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    phoneme: Phoneme,
    prosody: Prosody,
    s: Sentence,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

children!(Prosody {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    p: Paragraph,
    phoneme: Phoneme,
    prosody: Prosody,
    s: Sentence,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

children!(Sentence {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    phoneme: Phoneme,
    prosody: Prosody,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

children!(Word {
    break_: Break,
    emphasis: Emphasis,
    phoneme: Phoneme,
    prosody: Prosody,
    say_as: SayAs,
    sub: Sub,
});

#[cfg(test)]
mod tests {
    use crate::{Say, VoiceResponse};

    use super::*;

    #[test]
    fn tags_with_dashes_and_namespaced_attributes() {
        let say = Say::new("a")
            .lang(Lang::new("bonjour").xml_lang("fr-FR"))
            .p(Paragraph::new("p").s(Sentence::new("s").w(Word::new("read").role("amazon:VBD"))))
            .sub(Sub::new("W3C").alias("World Wide Web Consortium"))
            .phoneme(
                Phoneme::new("pecan")
                    .alphabet(PhonemeAlphabet::Ipa)
                    .ph("pɪˈkɑːn"),
            );
        assert!(VoiceResponse::new().say(say).to_xml().ends_with(
            "<Say>a<lang xml:lang=\"fr-FR\">bonjour</lang><p>p<s>s<w role=\"amazon:VBD\">read</w></s></p>\
             <sub alias=\"World Wide Web Consortium\">W3C</sub>\
             <phoneme alphabet=\"ipa\" ph=\"pɪˈkɑːn\">pecan</phoneme></Say></Response>"
        ));
    }
}
