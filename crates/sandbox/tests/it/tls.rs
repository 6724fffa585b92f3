//! `SandboxBuilder::tls`: HTTPS with a throwaway CA, over real loopback sockets.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use twilio_sandbox::Sandbox;

/// A TLS client trusting `roots` only, offering `alpn`.
fn connector(roots: &[&[u8]], alpn: &[&[u8]]) -> TlsConnector {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(CertificateDer::from(root.to_vec())).unwrap();
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(store)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(config))
}

/// A `GET` of `target` with the sandbox's credentials and `host`, over an HTTP/1.1
/// connection on `tls`.
async fn get<S>(sandbox: &Sandbox, tls: S, target: &str, host: &str) -> http::Response<Incoming>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
        .await
        .unwrap();
    tokio::spawn(conn);
    let request = http::Request::get(target)
        .header("host", host)
        .header(
            "authorization",
            support::basic(sandbox.account_sid(), sandbox.auth_token()),
        )
        .body(Empty::<Bytes>::new())
        .unwrap();
    sender.send_request(request).await.unwrap()
}

#[tokio::test]
async fn serves_https_with_a_throwaway_ca_for_the_loopback_names() {
    let sandbox = Sandbox::builder().tls(true).start().await.unwrap();
    assert_eq!(
        sandbox.base_url(),
        format!("https://localhost:{}", sandbox.addr().port())
    );
    assert_eq!(
        sandbox.address_url(),
        format!("https://127.0.0.1:{}", sandbox.addr().port())
    );
    assert!(sandbox.summary().tls);
    let ca = sandbox.ca_certificate_der().unwrap().to_vec();
    assert!(
        sandbox
            .ca_certificate_pem()
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----")
    );
    let call = sandbox.call_sids()[0].clone();
    let path = sandbox.events_path(&call);

    for name in ["localhost", "api.localhost", "127.0.0.1", "::1"] {
        // The name is what the certificate is checked against; the socket is the sandbox's.
        let tcp = TcpStream::connect(sandbox.addr()).await.unwrap();
        let tls = connector(&[&ca], &[b"http/1.1"])
            .connect(ServerName::try_from(name).unwrap().to_owned(), tcp)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
        let response = get(&sandbox, tls, &path, "127.0.0.1").await;
        assert_eq!(response.status(), 200, "{name}");
        let id = response.headers()["twilio-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(body.starts_with(b"{"), "{name}");
        let logged = sandbox.requests().pop().unwrap();
        assert_eq!(logged.request_id.as_deref(), Some(id.as_str()));
        assert_eq!(logged.via, None);
    }
}

#[tokio::test]
async fn every_product_host_is_named_by_the_certificate_and_served_over_https() {
    let sandbox = Sandbox::builder().tls(true).start().await.unwrap();
    let ca = sandbox.ca_certificate_der().unwrap().to_vec();
    let port = sandbox.addr().port();
    for label in sandbox.products() {
        let host = format!("{label}.localhost");
        let tcp = TcpStream::connect(sandbox.addr()).await.unwrap();
        let tls = connector(&[&ca], &[b"http/1.1"])
            .connect(ServerName::try_from(host.clone()).unwrap(), tcp)
            .await
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        if label != "verify" {
            continue;
        }
        // A product's request on its own host, over the certificate that names it.
        let authority = format!("{host}:{port}");
        let response = get(&sandbox, tls, "/v2/Services?PageSize=5", &authority).await;
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            page["meta"]["url"],
            format!("https://verify.localhost:{port}/v2/Services?PageSize=5&Page=0")
        );
    }
    assert_eq!(
        sandbox.product_origin("verify").unwrap(),
        format!("https://verify.localhost:{port}")
    );
}

#[tokio::test]
async fn offers_http2_and_refuses_clients_that_do_not_trust_its_ca() {
    let sandbox = Sandbox::builder().tls(true).start().await.unwrap();
    let ca = sandbox.ca_certificate_der().unwrap().to_vec();
    let tcp = TcpStream::connect(sandbox.addr()).await.unwrap();
    let tls = connector(&[&ca], &[b"h2", b"http/1.1"])
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));

    // Another sandbox's CA vouches for nothing here.
    let other = Sandbox::builder().tls(true).start().await.unwrap();
    let tcp = TcpStream::connect(sandbox.addr()).await.unwrap();
    let error = connector(&[other.ca_certificate_der().unwrap()], &[b"http/1.1"])
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("invalid peer certificate"),
        "{error}"
    );
    assert!(
        Sandbox::builder()
            .start()
            .await
            .unwrap()
            .ca_certificate_pem()
            .is_none()
    );
}
