//! Prints, as one JSON object, the TwiML documents and access tokens that
//! `tests/interop/official_python_twiml.py` rebuilds with Twilio's official Python SDK and
//! compares: `{"twiml": {case: xml}, "tokens": {case: jwt}}`.
//!
//! ```text
//! cargo run -p twilio-twiml --example interop_cases -- 1700000000
//! ```
//!
//! The argument is the tokens' issued-at time (Unix seconds; the script passes the current
//! time so that the official SDK's decoder, which checks `exp`, accepts them).
#![allow(clippy::print_stdout)]

use std::time::Duration;

use serde_json::{Map, Value, json};
use twilio_twiml::ssml::{Break, Emphasis, Lang, Paragraph, Phoneme, Prosody, SayAs, Sub, Word};
use twilio_twiml::token::{
    AccessToken, ChatGrant, PlaybackGrant, SyncGrant, TaskRouterGrant, TokenError, VideoGrant,
    VoiceGrant,
};
use twilio_twiml::*;

/// The account, API key and secret every token case uses (made up).
const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const KEY: &str = "SK0123456789abcdef0123456789abcdef";
const SECRET: &str = "interop-secret-0123456789abcdef01234567";

fn twiml_cases() -> Vec<(&'static str, String)> {
    let voice = VoiceResponse::new;
    vec![
        ("empty_voice", voice().to_xml()),
        ("empty_messaging", MessagingResponse::new().to_xml()),
        (
            "say",
            voice()
                .say(
                    Say::new("Hello world")
                        .voice(Voice::Alice)
                        .loops(2)
                        .language("en-GB"),
                )
                .to_xml(),
        ),
        (
            "say_polly_ssml",
            voice()
                .say(
                    Say::new("Hi ")
                        .voice(Voice::from("Polly.Joanna-Neural"))
                        .break_(Break::new().strength(BreakStrength::XStrong).time("1s"))
                        .emphasis(Emphasis::new("really").level(EmphasisLevel::Strong))
                        .lang(Lang::new("bonjour").xml_lang("fr-FR"))
                        .p(Paragraph::new("para"))
                        .phoneme(
                            Phoneme::new("pecan")
                                .alphabet(PhonemeAlphabet::Ipa)
                                .ph("pɪˈkɑːn"),
                        )
                        .prosody(
                            Prosody::new("slow")
                                .rate("slow")
                                .pitch("-10%")
                                .volume("loud"),
                        )
                        .say_as(
                            SayAs::new("12/31")
                                .interpret_as(InterpretAs::Date)
                                .format(SayAsFormat::Md),
                        )
                        .sub(Sub::new("W3C").alias("World Wide Web Consortium"))
                        .w(Word::new("read").role("amazon:VBD"))
                        .text(" bye"),
                )
                .to_xml(),
        ),
        (
            "play_pause",
            voice()
                .play(Play::new("https://api.twilio.com/cowbell.mp3").loops(10))
                .pause(Pause::new().length(5))
                .play(Play::new("").digits("wwww3"))
                .to_xml(),
        ),
        (
            "gather",
            voice()
                .gather(
                    Gather::new()
                        .input([GatherInput::Speech, GatherInput::Dtmf])
                        .action("/gather?step=1&x=2")
                        .method(Method::Get)
                        .timeout(5)
                        .speech_timeout("auto")
                        .max_speech_time(30)
                        .profanity_filter(false)
                        .finish_on_key("#")
                        .num_digits(4)
                        .partial_result_callback("/partial")
                        .partial_result_callback_method(Method::Post)
                        .language("en-US")
                        .hints("sales, support")
                        .barge_in(true)
                        .debug(false)
                        .action_on_empty_result(true)
                        .speech_model(SpeechModel::PhoneCall)
                        .enhanced(true)
                        .say("Press 1")
                        .pause(Pause::new().length(1))
                        .play("https://x.test/a.mp3"),
                )
                .say("Goodbye")
                .to_xml(),
        ),
        (
            "dial_text",
            voice()
                .dial(
                    Dial::to("415-123-4567")
                        .action("/dialed")
                        .method(Method::Post)
                        .timeout(20)
                        .hangup_on_star(true)
                        .time_limit(600)
                        .caller_id("+15551112222")
                        .record(DialRecord::RecordFromRingingDual)
                        .trim(Trim::DoNotTrim)
                        .recording_status_callback("/rec")
                        .recording_status_callback_method(Method::Get)
                        .recording_status_callback_event([
                            RecordingEvent::InProgress,
                            RecordingEvent::Completed,
                        ])
                        .answer_on_bridge(true)
                        .ring_tone(RingTone::UsOld)
                        .recording_track(RecordingTrack::Inbound)
                        .sequential(true)
                        .refer_url("/refer")
                        .refer_method(Method::Get),
                )
                .to_xml(),
        ),
        (
            "dial_nouns",
            voice()
                .dial(
                    Dial::new()
                        .number(
                            Number::new("+15558675310")
                                .send_digits("wwww1928")
                                .url("/screen")
                                .method(Method::Get)
                                .status_callback_event([
                                    CallProgressEvent::Initiated,
                                    CallProgressEvent::Answered,
                                ])
                                .status_callback("/status")
                                .status_callback_method(Method::Post)
                                .byoc("BY123")
                                .machine_detection(MachineDetection::DetectMessageEnd)
                                .amd_status_callback("/amd")
                                .amd_status_callback_method(Method::Get)
                                .machine_detection_timeout(30)
                                .machine_detection_speech_threshold(2400)
                                .machine_detection_speech_end_threshold(1200)
                                .machine_detection_silence_timeout(5000),
                        )
                        .client(Client::new("jenny").url("/client"))
                        .client(
                            Client::empty()
                                .identity("alice")
                                .parameter(Parameter::new("FirstName", "Alice")),
                        )
                        .sip(
                            Sip::new("sip:kate@example.com?x-mycustomheader=foo")
                                .username("admin")
                                .password("1234")
                                .machine_detection(MachineDetection::Enable),
                        )
                        .sim(Sim::new("DE8caa2afb9d5279926619c458dc7098a8"))
                        .application(
                            Application::empty()
                                .application_sid("AP123")
                                .parameter(Parameter::new("k", "v"))
                                .customer_id("cust")
                                .copy_parent_to(true),
                        )
                        .whats_app(WhatsApp::new("+15551234567").url("/wa")),
                )
                .to_xml(),
        ),
        (
            "dial_conference",
            voice()
                .dial(
                    Dial::new().conference(
                        Conference::new("Room 1234")
                            .muted(false)
                            .beep(Beep::OnExit)
                            .start_conference_on_enter(true)
                            .end_conference_on_exit(false)
                            .wait_url("/hold")
                            .wait_method(Method::Get)
                            .max_participants(10)
                            .record(ConferenceRecord::RecordFromStart)
                            .region(ConferenceRegion::Ie1)
                            .coach("CA123")
                            .trim(Trim::TrimSilence)
                            .status_callback_event([
                                ConferenceEvent::Start,
                                ConferenceEvent::End,
                                ConferenceEvent::Join,
                                ConferenceEvent::Leave,
                            ])
                            .status_callback("/conf")
                            .status_callback_method(Method::Post)
                            .recording_status_callback("/crec")
                            .recording_status_callback_method(Method::Get)
                            .recording_status_callback_event([RecordingEvent::Completed])
                            .event_callback_url("/events")
                            .jitter_buffer_size(JitterBufferSize::Small)
                            .participant_label("agent"),
                    ),
                )
                .to_xml(),
        ),
        (
            "dial_queue",
            voice()
                .dial(
                    Dial::new().queue(
                        Queue::new("support")
                            .url("/about")
                            .method(Method::Get)
                            .reservation_sid("WR123")
                            .post_work_activity_sid("WA123"),
                    ),
                )
                .to_xml(),
        ),
        (
            "record",
            voice()
                .record(
                    Record::new()
                        .action("/recorded")
                        .method(Method::Get)
                        .timeout(10)
                        .finish_on_key("*")
                        .max_length(20)
                        .play_beep(true)
                        .trim(Trim::DoNotTrim)
                        .recording_status_callback("/rs")
                        .recording_status_callback_method(Method::Post)
                        .recording_status_callback_event([RecordingEvent::Absent])
                        .transcribe(true)
                        .transcribe_callback("/transcribed"),
                )
                .to_xml(),
        ),
        (
            "redirect_reject_hangup",
            voice()
                .redirect(Redirect::new("https://x.test/next?a=1&b=2").method(Method::Post))
                .reject(Reject::new().reason(RejectReason::Busy))
                .hangup(Hangup::new())
                .to_xml(),
        ),
        (
            "enqueue_leave",
            voice()
                .enqueue(
                    Enqueue::new("")
                        .workflow_sid("WW123")
                        .action("/left")
                        .max_queue_size(50)
                        .method(Method::Post)
                        .wait_url("/wait")
                        .wait_url_method(Method::Get)
                        .task(
                            Task::new(r#"{"account_number":"12345abcdef"}"#)
                                .priority(5)
                                .timeout(200),
                        ),
                )
                .leave(Leave::new())
                .echo(Echo::new())
                .to_xml(),
        ),
        (
            "connect_stream_room",
            voice()
                .connect(
                    Connect::new().action("/after").method(Method::Get).stream(
                        Stream::new()
                            .url("wss://x.test/s")
                            .name("s1")
                            .track(StreamTrack::BothTracks)
                            .status_callback("/sc")
                            .status_callback_method(Method::Post)
                            .parameter(Parameter::new("a", "b")),
                    ),
                )
                .connect(
                    Connect::new().room(Room::new("DailyStandup").participant_identity("alice")),
                )
                .to_xml(),
        ),
        (
            "connect_agents",
            voice()
                .connect(
                    Connect::new()
                        .virtual_agent(
                            VirtualAgent::new()
                                .connector_name("project")
                                .language("en-US")
                                .sentiment_analysis(true)
                                .status_callback("/va")
                                .config(Config::new("welcomeIntent", "hi"))
                                .parameter(Parameter::new("customer", "bob")),
                        )
                        .conversation(
                            Conversation::new()
                                .service_instance_sid("IS123")
                                .inbound_autocreation(true)
                                .routing_assignment_timeout(30)
                                .record(true)
                                .status_callback_event("call-initiated call-ringing"),
                        ),
                )
                .connect(
                    Connect::new().conversation_relay(
                        ConversationRelay::new()
                            .url("wss://x.test/relay")
                            .welcome_greeting("Hi! Ask me anything.")
                            .tts_provider("ElevenLabs")
                            .voice("UgBBYS2sOqTuMpoF3BR0")
                            .dtmf_detection(true)
                            .interruptible("speech")
                            .language_config(
                                Language::new("sv-SE")
                                    .tts_provider("amazon")
                                    .voice("Elin-Neural"),
                            )
                            .parameter(Parameter::new("foo", "bar")),
                    ),
                )
                .to_xml(),
        ),
        (
            "start_stop",
            voice()
                .start(
                    Start::new()
                        .action("/started")
                        .stream(Stream::new().name("tap").url("wss://x.test/tap"))
                        .siprec(
                            Siprec::new()
                                .name("rec")
                                .connector_name("SipRec1")
                                .track(StreamTrack::InboundTrack)
                                .parameter(Parameter::new("p", "1")),
                        )
                        .transcription(
                            Transcription::new()
                                .name("t")
                                .track(StreamTrack::BothTracks)
                                .status_callback_url("/tr")
                                .partial_results(true)
                                .language_code("en-US")
                                .transcription_engine("google")
                                .profanity_filter(true)
                                .enable_automatic_punctuation(false)
                                .hints("alpha, beta"),
                        )
                        .recording(
                            Recording::new()
                                .recording_status_callback("/r")
                                .recording_status_callback_event([RecordingEvent::InProgress])
                                .trim(Trim::TrimSilence)
                                .track(RecordingTrack::Both)
                                .channels(RecordingChannels::Dual),
                        ),
                )
                .stop(
                    Stop::new()
                        .stream(Stream::new().name("tap"))
                        .siprec(Siprec::new().name("rec"))
                        .transcription(Transcription::new().name("t")),
                )
                .to_xml(),
        ),
        (
            "pay",
            voice()
                .pay(
                    Pay::new()
                        .input(PayInput::Dtmf)
                        .action("/paid")
                        .bank_account_type(BankAccountType::ConsumerSavings)
                        .status_callback("/pay")
                        .status_callback_method(Method::Post)
                        .timeout(5)
                        .max_attempts(2)
                        .security_code(true)
                        .postal_code("false")
                        .min_postal_code_length(5)
                        .payment_connector("Stripe")
                        .payment_method(PaymentMethod::CreditCard)
                        .token_type(TokenType::Reusable)
                        .charge_amount("10.00")
                        .currency("usd")
                        .description("Order 1")
                        .valid_card_types([
                            CardType::Visa,
                            CardType::Mastercard,
                            CardType::DinersClub,
                        ])
                        .language("en-US")
                        .prompt(
                            Prompt::new()
                                .for_(PromptFor::PaymentCardNumber)
                                .error_type([
                                    PromptErrorType::Timeout,
                                    PromptErrorType::InvalidCardNumber,
                                ])
                                .card_type([CardType::Amex])
                                .attempt([1, 3])
                                .require_matching_inputs(true)
                                .say("Card number, please")
                                .pause(Pause::new().length(1))
                                .play("https://x.test/p.mp3"),
                        )
                        .parameter(Parameter::new("k", "v")),
                )
                .to_xml(),
        ),
        (
            "refer",
            voice()
                .refer(
                    Refer::new()
                        .action("/referred")
                        .method(Method::Get)
                        .sip("sip:alice@example.com"),
                )
                .to_xml(),
        ),
        (
            "message",
            MessagingResponse::new()
                .message(
                    Message::new("Hello from Twilio")
                        .to("+15551234567")
                        .from_("+15557654321")
                        .action("/sent")
                        .method(Method::Post)
                        .status_callback("/status"),
                )
                .to_xml(),
        ),
        (
            "message_media_redirect",
            MessagingResponse::new()
                .message(
                    Message::empty()
                        .body("Store Location: 123 Easy St.")
                        .media("https://demo.twilio.com/owl.png")
                        .media("https://demo.twilio.com/logo.png"),
                )
                .redirect(Redirect::new("/next").method(Method::Get))
                .to_xml(),
        ),
        (
            "escaping_markup",
            MessagingResponse::new()
                .message(
                    Message::new(r#"Tom & Jerry <3 "quotes" 'single' ]]> 🎉 Zoë"#)
                        .to(r#"a"b'c<d>&e"#),
                )
                .to_xml(),
        ),
        (
            "escaping_whitespace_in_attributes",
            voice()
                .say(Say::new("line one\nline two\ttabbed").language("a\nb\tc"))
                .to_xml(),
        ),
        (
            "escaping_unicode",
            voice()
                .say(Say::new(
                    "日本語 العربية עברית \u{200f} \u{7f}\u{85}\u{2028} 𝄞",
                ))
                .to_xml(),
        ),
        // Where this crate departs from the SDK, on purpose: CR becomes &#13; (the SDK's raw
        // CR would reach Twilio as LF), and the characters XML forbids are dropped (the
        // SDK writes them raw: a document no parser accepts).
        (
            "deviation_carriage_return",
            voice().say(Say::new("a\r\nb\rc")).to_xml(),
        ),
        (
            "deviation_control_characters",
            voice()
                .say(Say::new("bell\u{7}null\u{0}esc\u{1b}").language("x\u{1}y"))
                .to_xml(),
        ),
    ]
}

fn token_cases(issued_at: u64) -> Result<Vec<(&'static str, String)>, TokenError> {
    let token = || AccessToken::new(ACCOUNT, KEY, SECRET.into());
    let mut playback = Map::new();
    playback.insert("requestCredentials".to_owned(), Value::Null);
    playback.insert(
        "playbackUrl".to_owned(),
        json!("https://0a1b2c3d.us-east-1.playback.live-video.net/api/video/v1/us-east-1.123.channel.abc.m3u8"),
    );
    playback.insert("playerStreamerSid".to_owned(), json!("VJ123"));
    Ok(vec![
        (
            "voice",
            token()?
                .identity("alice")
                .grant(
                    VoiceGrant::new()
                        .incoming_allow(true)
                        .outgoing_application_sid("AP0123456789abcdef0123456789abcdef")
                        .outgoing_application_params([("to", "+15551234567"), ("mode", "test")])
                        .push_credential_sid("CR0123456789abcdef0123456789abcdef")
                        .endpoint_id("endpoint-1"),
                )
                .to_jwt_at(issued_at),
        ),
        (
            "video_region_nbf_ttl",
            token()?
                .identity("bob")
                .ttl(Duration::from_secs(600))
                .not_before(issued_at.saturating_sub(60))
                .region("au1")
                .grant(VideoGrant::new().room("DailyStandup"))
                .to_jwt_at(issued_at),
        ),
        (
            "chat_sync_taskrouter",
            token()?
                .identity("Zoë 🎉 \"quoted\"")
                .grant(
                    ChatGrant::new()
                        .service_sid("IS0123456789abcdef0123456789abcdef")
                        .endpoint_id("app:alice:device")
                        .deployment_role_sid("RL123")
                        .push_credential_sid("CR123"),
                )
                .grant(SyncGrant::new().service_sid("IS999").endpoint_id("sync-ep"))
                .grant(
                    TaskRouterGrant::new()
                        .workspace_sid("WS123")
                        .worker_sid("WK123")
                        .role("worker"),
                )
                .to_jwt_at(issued_at),
        ),
        (
            "playback_no_identity",
            token()?
                .grant(PlaybackGrant::new(playback))
                .to_jwt_at(issued_at),
        ),
        (
            "empty_grants",
            token()?
                .identity("carol")
                .grant(VideoGrant::new())
                .grant(VoiceGrant::new().outgoing_application_sid(""))
                .to_jwt_at(issued_at),
        ),
    ])
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let issued_at: u64 = match std::env::args().nth(1) {
        Some(text) => text.parse()?,
        None => 1_700_000_000,
    };
    let twiml: Map<String, Value> = twiml_cases()
        .into_iter()
        .map(|(name, xml)| (name.to_owned(), Value::String(xml)))
        .collect();
    let tokens: Map<String, Value> = token_cases(issued_at)?
        .into_iter()
        .map(|(name, jwt)| (name.to_owned(), Value::String(jwt)))
        .collect();
    println!("{}", json!({"twiml": twiml, "tokens": tokens}));
    Ok(())
}
