#![doc = include_str!("../README.md")]
//!
//! # The document
//!
//! The document is written with quick-xml's writer exactly as the official SDKs write it
//! (`<?xml version="1.0" encoding="UTF-8"?><Response>…</Response>`, attributes named in
//! camelCase and sorted, booleans as `true`/`false`), and it is always well-formed:
//! - `&`, `<` and `>` are escaped in text and attributes, `"` in attributes;
//! - tabs, line breaks and carriage returns in attributes, and carriage returns in text, are
//!   written as character references, so a parser gives back exactly what was set (a raw one
//!   would be normalized to a space or a line feed);
//! - the characters XML 1.0 forbids even escaped (the C0 controls other than tab, line feed
//!   and carriage return; U+FFFE, U+FFFF) are **dropped** ([`sanitize`] says what remains).
//!
//! The crate does no I/O (beyond [`VoiceResponse::write_to`] into a writer the caller gives)
//! and depends on no other crate of this workspace.
//!
//! Nesting is checked by the compiler:
//!
//! ```compile_fail
//! use twilio_twiml::{Dial, Gather};
//!
//! // A <Gather> cannot hold a <Dial>.
//! let gather = Gather::new().dial(Dial::to("+15550001111"));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod macros;

mod messaging;
pub mod ssml;
pub mod token;
mod values;
mod voice;
mod xml;

pub use messaging::{Body, Media, Message, MessagingResponse};
pub use values::{
    BankAccountType, Beep, BreakStrength, CallProgressEvent, CardType, ConferenceEvent,
    ConferenceRecord, ConferenceRegion, DialRecord, EmphasisLevel, GatherInput, InterpretAs,
    JitterBufferSize, MachineDetection, Method, PayInput, PaymentMethod, PhonemeAlphabet,
    PromptErrorType, PromptFor, RecordingChannels, RecordingEvent, RecordingTrack, RejectReason,
    RingTone, SayAsFormat, SpeechModel, StreamTrack, TokenType, Trim, Voice,
};
pub use voice::{
    AiSession, Application, ApplicationSid, Autopilot, Client, Conference, Config, Connect,
    Conversation, ConversationRelay, ConversationRelaySession, Dial, Echo, Enqueue, Gather, Hangup,
    Header, Headers, Identity, Language, Leave, Number, Parameter, Pause, Pay, Play, Prompt, Queue,
    Record, Recording, Redirect, Refer, ReferSip, Reject, Room, Say, Sim, Sip, SipUri, Siprec,
    Start, Stop, Stream, Task, Transcription, VirtualAgent, VoiceResponse, WhatsApp,
};
pub use xml::sanitize;
