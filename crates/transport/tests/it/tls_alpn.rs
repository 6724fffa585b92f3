//! `HyperTransport` over TLS on real loopback sockets: HTTP/2 is negotiated by ALPN when the
//! server offers it, HTTP/1.1 when the server offers only that, an untrusted certificate is
//! reported as a certificate problem and not retried, and private CAs given as PEM text or a
//! file are trusted.
//!
//! The servers use a self-signed certificate for `localhost` generated at test time (rcgen),
//! trusted by the client through `HyperTransportBuilder::add_root_certificate`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use twilio_transport::test_util::RecordingSleeper;
use twilio_transport::{
    HttpTransport, HyperTransport, RetryPolicy, RetryTransport, TransportErrorKind,
};

/// A self-signed certificate for `localhost` and its private key.
struct Identity {
    cert: CertificateDer<'static>,
    pem: String,
    key_pkcs8: Vec<u8>,
}

impl Identity {
    fn generate() -> Self {
        let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        Self {
            cert: generated.cert.der().clone(),
            pem: generated.cert.pem(),
            key_pkcs8: generated.signing_key.serialize_der(),
        }
    }

    /// The certificate as plain DER bytes, as the transport's public API takes it.
    fn cert_der(&self) -> Vec<u8> {
        self.cert.to_vec()
    }

    /// The certificate as PEM text.
    fn cert_pem(&self) -> String {
        self.pem.clone()
    }
}

/// What the server saw of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeenConnection {
    /// The protocol agreed by ALPN, if any.
    alpn: Option<Vec<u8>>,
    /// The HTTP version of each request on this connection, in order.
    versions: Vec<http::Version>,
}

/// A TLS server on 127.0.0.1 offering the ALPN protocols it is given, served by hyper-util's
/// auto (HTTP/1.1 or HTTP/2) connection builder. Records every TLS connection that completes
/// its handshake and the version of each request on it.
struct TlsServer {
    addr: SocketAddr,
    accepted: Arc<Mutex<usize>>,
    connections: Arc<Mutex<Vec<SeenConnection>>>,
    task: JoinHandle<()>,
}

impl TlsServer {
    async fn start(identity: &Identity, alpn: &[&[u8]]) -> Self {
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(identity.key_pkcs8.clone())),
        )
        .unwrap();
        config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
        let acceptor = TlsAcceptor::from(Arc::new(config));

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(Mutex::new(0));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let (accepted_count, seen) = (accepted.clone(), connections.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                *accepted_count.lock().unwrap() += 1;
                let acceptor = acceptor.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    // A failed handshake (the untrusted-certificate test) ends here.
                    let Ok(tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let index = {
                        let mut seen = seen.lock().unwrap();
                        seen.push(SeenConnection {
                            alpn: tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec),
                            versions: Vec::new(),
                        });
                        seen.len() - 1
                    };
                    let service =
                        hyper::service::service_fn(move |request: http::Request<Incoming>| {
                            let version = request.version();
                            seen.lock().unwrap()[index].versions.push(version);
                            let body = format!("{version:?} {}", request.uri().path());
                            async move {
                                Ok::<_, Infallible>(http::Response::new(Full::new(Bytes::from(
                                    body,
                                ))))
                            }
                        });
                    // Errors here are the client closing the connection.
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            accepted,
            connections,
            task,
        }
    }

    /// `https://localhost:PORT{path}`: the name the certificate is issued for.
    fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }

    /// How many TCP connections the server accepted (handshake completed or not).
    fn accepted(&self) -> usize {
        *self.accepted.lock().unwrap()
    }

    /// The connections that completed their TLS handshake.
    fn connections(&self) -> Vec<SeenConnection> {
        self.connections.lock().unwrap().clone()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn get(url: &str) -> http::Request<Bytes> {
    http::Request::get(url).body(Bytes::new()).unwrap()
}

fn trusting(identity: &Identity) -> HyperTransport {
    HyperTransport::builder()
        .timeout(Duration::from_secs(10))
        .add_root_certificate(identity.cert_der())
        .build()
        .unwrap()
}

const REQUESTS: usize = 5;

#[tokio::test]
async fn negotiates_http2_by_alpn_and_reuses_one_connection() {
    let identity = Identity::generate();
    let server = TlsServer::start(&identity, &[b"h2", b"http/1.1"]).await;
    let transport = trusting(&identity);

    for page in 0..REQUESTS {
        let path = format!("/2010-04-01/Accounts/AC1/Calls.json/{page}");
        let response = transport.send(get(&server.url(&path))).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), http::Version::HTTP_2);
        assert_eq!(response.body(), format!("HTTP/2.0 {path}").as_str());
    }

    assert_eq!(
        server.connections(),
        vec![SeenConnection {
            alpn: Some(b"h2".to_vec()),
            versions: vec![http::Version::HTTP_2; REQUESTS],
        }],
        "every request should travel over one HTTP/2 connection"
    );
}

#[tokio::test]
async fn falls_back_to_http1_when_the_server_offers_only_http1() {
    let identity = Identity::generate();
    let server = TlsServer::start(&identity, &[b"http/1.1"]).await;
    let transport = trusting(&identity);

    for page in 0..REQUESTS {
        let path = format!("/page/{page}");
        let response = transport.send(get(&server.url(&path))).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), http::Version::HTTP_11);
        assert_eq!(response.body(), format!("HTTP/1.1 {path}").as_str());
    }

    assert_eq!(
        server.connections(),
        vec![SeenConnection {
            alpn: Some(b"http/1.1".to_vec()),
            versions: vec![http::Version::HTTP_11; REQUESTS],
        }],
        "sequential requests should reuse one kept-alive HTTP/1.1 connection"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_fails_to_connect() {
    let identity = Identity::generate();
    let server = TlsServer::start(&identity, &[b"h2", b"http/1.1"]).await;
    let url = server.url("/2010-04-01/Accounts.json");

    // Only the bundled roots: a self-signed certificate is not among them.
    let default_roots = HyperTransport::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let error = default_roots.send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Certificate, "{error}");
    assert!(!error.is_retryable());
    assert_eq!(error.uri(), Some(url.as_str()));
    assert!(
        error.to_string().contains("certificate is not trusted"),
        "{error}"
    );
    let chain = chain_text(&error);
    assert!(chain.contains("UnknownIssuer"), "{chain}");

    // Trusting another self-signed certificate for the same name does not help either.
    let other = Identity::generate();
    let error = trusting(&other).send(get(&url)).await.unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Certificate, "{error}");

    // The server was reached both times, but no handshake completed and no request arrived.
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.connections(), Vec::new());
}

/// Every message of the error chain, joined by ": ".
fn chain_text(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        parts.push(error.to_string());
        next = error.source();
    }
    parts.join(": ")
}

#[tokio::test]
async fn an_untrusted_certificate_is_not_retried() {
    let identity = Identity::generate();
    let server = TlsServer::start(&identity, &[b"h2", b"http/1.1"]).await;
    let sleeper = RecordingSleeper::new();
    let transport = RetryTransport::new(
        HyperTransport::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    )
    .with_policy(RetryPolicy::default().max_retries(3))
    .with_sleeper(sleeper.clone());
    let error = transport
        .send(get(&server.url("/2010-04-01/Accounts.json")))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), TransportErrorKind::Certificate, "{error}");
    assert_eq!(server.accepted(), 1, "a certificate problem is not retried");
    assert!(sleeper.durations().is_empty());
}

#[tokio::test]
async fn private_cas_are_trusted_from_pem_text_and_files() {
    let identity = Identity::generate();
    let server = TlsServer::start(&identity, &[b"http/1.1"]).await;
    let url = server.url("/x");

    let from_pem = HyperTransport::builder()
        .add_root_certificates_pem(identity.cert_pem())
        .build()
        .unwrap();
    assert_eq!(from_pem.send(get(&url)).await.unwrap().status(), 200);

    let dir = std::env::temp_dir().join(format!("twilio-tls-alpn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("private-ca.pem");
    std::fs::write(&file, identity.cert_pem()).unwrap();
    let from_file = HyperTransport::builder()
        .add_root_certificate_file(&file)
        .build()
        .unwrap();
    assert_eq!(from_file.send(get(&url)).await.unwrap().status(), 200);

    // SSL_CERT_FILE replaces the bundled roots with the file's certificates.
    let env = twilio_transport::CertEnv::from_lookup(|name| {
        (name == "SSL_CERT_FILE").then(|| file.display().to_string())
    });
    let from_env = HyperTransport::builder().cert_env(env).build().unwrap();
    assert_eq!(from_env.send(get(&url)).await.unwrap().status(), 200);
    std::fs::remove_dir_all(&dir).unwrap();
}
