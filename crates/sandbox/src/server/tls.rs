//! HTTPS for the sandbox: a throwaway certificate authority generated at start, and a
//! certificate for the loopback names (`localhost`, each product's `{label}.localhost`,
//! `127.0.0.1`, `::1`) signed by it.
//!
//! The products' hosts are named one by one: webpki refuses a wildcard whose parent is a
//! single label (`*.localhost`), as browsers do, so a wildcard would vouch for none of them.
//!
//! The CA's private key never leaves the process and is dropped once the server certificate
//! is signed, so the CA can vouch for nothing else: trusting its certificate (as
//! [`Sandbox::ca_certificate_pem`](crate::Sandbox::ca_certificate_pem) gives it) is only
//! trusting this one sandbox.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::TlsAcceptor;

use crate::error::SandboxError;

/// The sandbox's TLS identity: what a client must trust, and what the server presents.
pub(crate) struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    /// The CA certificate, PEM.
    pub(crate) ca_pem: String,
    /// The CA certificate, DER.
    pub(crate) ca_der: Vec<u8>,
}

fn tls_error(source: impl std::error::Error + Send + Sync + 'static) -> SandboxError {
    SandboxError::Tls {
        source: Box::new(source),
    }
}

impl Tls {
    /// Generates a fresh CA and server certificate, and the server's TLS configuration
    /// (HTTP/2 and HTTP/1.1 offered by ALPN).
    pub(crate) fn generate() -> Result<Self, SandboxError> {
        let ca_key = KeyPair::generate().map_err(tls_error)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "twilio-sandbox throwaway CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_error)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let server_key = KeyPair::generate().map_err(tls_error)?;
        let names = std::iter::once("localhost".to_owned())
            .chain(std::iter::once("api.localhost".to_owned()))
            .chain(crate::store::products::labels().map(|label| format!("{label}.localhost")))
            .collect::<Vec<_>>();
        let mut server_params = CertificateParams::new(names).map_err(tls_error)?;
        server_params.subject_alt_names.extend([
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ]);
        server_params
            .distinguished_name
            .push(DnType::CommonName, "twilio-sandbox");
        server_params.use_authority_key_identifier_extension = true;
        server_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .map_err(tls_error)?;

        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(
            vec![server_cert.der().clone(), ca_cert.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(tls_error)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            ca_pem: ca_cert.pem(),
            ca_der: CertificateDer::as_ref(ca_cert.der()).to_vec(),
        })
    }
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_sandbox_gets_its_own_ca() {
        let (one, two) = (Tls::generate().unwrap(), Tls::generate().unwrap());
        assert!(one.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(one.ca_der, two.ca_der);
    }
}
