//! Whole documents from Twilio's TwiML documentation, against what twilio-python 9.13
//! renders for the same verbs (its output pasted here; `tests/interop/` compares many more
//! cases with the live SDK).

use twilio_twiml::{
    Beep, Conference, ConferenceEvent, Connect, Dial, DialRecord, Enqueue, Gather, GatherInput,
    Leave, Message, MessagingResponse, Method, Parameter, Reject, RejectReason, Stream,
    VoiceResponse,
};

use crate::support::parse;

#[test]
fn gather_then_say() {
    let twiml = VoiceResponse::new()
        .gather(
            Gather::new()
                .input([GatherInput::Speech, GatherInput::Dtmf])
                .timeout(3)
                .num_digits(1)
                .action("/process")
                .method(Method::Post)
                .say("Please press 1 or say sales for sales."),
        )
        .say("We didn't receive any input. Goodbye!");
    assert_eq!(
        twiml.to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/process" input="speech dtmf" method="POST" numDigits="1" timeout="3"><Say>Please press 1 or say sales for sales.</Say></Gather><Say>We didn't receive any input. Goodbye!</Say></Response>"#
    );
}

#[test]
fn dial_a_conference() {
    let twiml = VoiceResponse::new().dial(
        Dial::new()
            .caller_id("+15551112222")
            .record(DialRecord::RecordFromAnswerDual)
            .answer_on_bridge(true)
            .conference(
                Conference::new("Room 1234")
                    .start_conference_on_enter(false)
                    .wait_url("https://x.test/hold")
                    .status_callback_event([
                        ConferenceEvent::Start,
                        ConferenceEvent::End,
                        ConferenceEvent::Join,
                    ]),
            ),
    );
    assert_eq!(
        twiml.to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Dial answerOnBridge="true" callerId="+15551112222" record="record-from-answer-dual"><Conference startConferenceOnEnter="false" statusCallbackEvent="start end join" waitUrl="https://x.test/hold">Room 1234</Conference></Dial></Response>"#
    );
    // An enum value this crate does not list yet goes through `Other`.
    let other = VoiceResponse::new()
        .dial(Dial::new().conference(Conference::new("r").beep(Beep::Other("sometimes".into()))));
    assert!(
        other
            .to_xml()
            .contains(r#"<Conference beep="sometimes">r</Conference>"#)
    );
}

#[test]
fn stream_enqueue_leave_reject() {
    let twiml = VoiceResponse::new()
        .connect(
            Connect::new().stream(
                Stream::new()
                    .url("wss://example.com/audiostream")
                    .parameter(Parameter::new("FirstName", "Jane")),
            ),
        )
        .enqueue(Enqueue::new("support").workflow_sid("WW123"))
        .leave(Leave::new())
        .reject(Reject::new().reason(RejectReason::Busy));
    assert_eq!(
        twiml.to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://example.com/audiostream"><Parameter name="FirstName" value="Jane" /></Stream></Connect><Enqueue workflowSid="WW123">support</Enqueue><Leave /><Reject reason="busy" /></Response>"#
    );
    parse(&twiml.to_xml());
}

#[test]
fn message_with_media_then_redirect() {
    let twiml = MessagingResponse::new()
        .message(
            Message::empty()
                .body("Store Location: 123 Easy St.")
                .media("https://demo.twilio.com/owl.png"),
        )
        .redirect(twilio_twiml::Redirect::new("/next").method(Method::Post));
    assert_eq!(
        twiml.to_xml(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Store Location: 123 Easy St.</Body><Media>https://demo.twilio.com/owl.png</Media></Message><Redirect method="POST">/next</Redirect></Response>"#
    );
}
