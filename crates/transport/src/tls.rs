//! Which certificates a [`HyperTransport`](crate::HyperTransport) trusts: see [`RootStore`]
//! for the rules.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

use crate::TransportError;

/// The root certificates a transport starts from, before [`CertEnv`] and added certificates.
///
/// The rules, in order:
/// 1. The base is a [`RootStore`]: [`RootStore::Bundled`], the Mozilla roots compiled into
///    the binary (feature `webpki-roots`, on by default; the default store), or
///    [`RootStore::System`], the operating system's store (feature `native-roots`).
/// 2. [`CertEnv`] (`SSL_CERT_FILE`, `SSL_CERT_DIR`), when it names anything, *replaces* that
///    base, as it does for OpenSSL-based tools: the roots are then the certificates in the
///    file and in every file of the directories (`:`-separated, `;` on Windows). Certificates
///    there that cannot be used are skipped (system bundles hold a few), but a file or
///    directory that cannot be read, or yields no usable certificate, is an error naming it.
/// 3. Certificates added by the caller (DER, PEM text, or a file in either form) are trusted
///    on top, strictly: each one must be a valid certificate, and a PEM text or file must hold
///    at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootStore {
    /// The Mozilla roots bundled in the binary by `webpki-roots` (cargo feature
    /// `webpki-roots`, on by default): the same on every machine, updated with the crate.
    /// The default.
    Bundled,
    /// The operating system's store, read at start by `rustls-native-certs` (cargo feature
    /// `native-roots`): what the machine's administrator trusts, company CAs included.
    System,
}

impl Default for RootStore {
    /// [`RootStore::Bundled`], or [`RootStore::System`] when built without `webpki-roots`.
    fn default() -> Self {
        if cfg!(feature = "webpki-roots") {
            Self::Bundled
        } else {
            Self::System
        }
    }
}

/// The OpenSSL environment for root certificates: `SSL_CERT_FILE` (a PEM bundle) and
/// `SSL_CERT_DIR` (directories of PEM files, separated like `PATH`). When it names anything
/// it replaces the [`RootStore`], as it does for OpenSSL-based tools. Empty values count as
/// unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertEnv {
    file: Option<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl CertEnv {
    /// Reads `SSL_CERT_FILE` and `SSL_CERT_DIR` from the process environment.
    pub fn from_env() -> Self {
        let file = std::env::var_os("SSL_CERT_FILE")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        let dirs = std::env::var_os("SSL_CERT_DIR")
            .map(|value| split_dirs(&value))
            .unwrap_or_default();
        Self { file, dirs }
    }

    /// Reads `SSL_CERT_FILE` and `SSL_CERT_DIR` through `lookup` (for tests, and for
    /// configuration other than the process environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let file = lookup("SSL_CERT_FILE")
            .filter(|value| !value.is_empty())
            .map(PathBuf::from);
        let dirs = lookup("SSL_CERT_DIR")
            .map(|value| split_dirs(OsStr::new(&value)))
            .unwrap_or_default();
        Self { file, dirs }
    }

    /// `SSL_CERT_FILE`, if set.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The directories of `SSL_CERT_DIR`, in order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Whether neither variable names anything (the [`RootStore`] applies).
    pub fn is_empty(&self) -> bool {
        self.file.is_none() && self.dirs.is_empty()
    }
}

fn split_dirs(value: &OsStr) -> Vec<PathBuf> {
    std::env::split_paths(value)
        .filter(|dir| !dir.as_os_str().is_empty())
        .collect()
}

/// A certificate trusted on top of the roots.
#[derive(Debug, Clone)]
pub(crate) enum ExtraRoot {
    Der(Vec<u8>),
    Pem(Vec<u8>),
    File(PathBuf),
}

/// The roots: the store or the environment (rules 1 and 2), plus `extra` (rule 3).
pub(crate) fn root_certificates(
    store: RootStore,
    env: &CertEnv,
    extra: &[ExtraRoot],
) -> Result<RootCertStore, TransportError> {
    let mut roots = if env.is_empty() {
        store_roots(store)?
    } else {
        env_roots(env)?
    };
    let mut pem_texts = 0;
    for (index, root) in extra.iter().enumerate() {
        match root {
            ExtraRoot::Der(der) => {
                roots
                    .add(CertificateDer::from(der.as_slice()))
                    .map_err(|error| {
                        TransportError::setup(format!(
                        "extra root certificate #{} (of {}) is not a valid DER X.509 certificate",
                        index + 1,
                        extra.len()
                    ))
                    .with_source(error)
                    })?
            }
            ExtraRoot::Pem(pem) => {
                pem_texts += 1;
                add_strict(
                    &mut roots,
                    pem,
                    &format!("PEM root certificates #{pem_texts}"),
                )?;
            }
            ExtraRoot::File(path) => add_file(&mut roots, path)?,
        }
    }
    Ok(roots)
}

/// A certificate file given by the caller: PEM (one or more certificates) or one DER
/// certificate, every certificate valid.
fn add_file(roots: &mut RootCertStore, path: &Path) -> Result<(), TransportError> {
    let bytes = std::fs::read(path).map_err(|error| {
        TransportError::setup(format!(
            "the certificate file {} cannot be read",
            path.display()
        ))
        .with_source(error)
    })?;
    let what = format!("the certificate file {}", path.display());
    if is_pem(&bytes) {
        add_strict(roots, &bytes, &what)
    } else {
        roots
            .add(CertificateDer::from(bytes.as_slice()))
            .map_err(|error| {
                TransportError::setup(format!(
                    "{what} is neither PEM nor a valid DER X.509 certificate"
                ))
                .with_source(error)
            })
    }
}

fn is_pem(bytes: &[u8]) -> bool {
    bytes.windows(10).any(|window| window == b"-----BEGIN")
}

/// Adds every certificate of the PEM text `pem` (described as `what` in errors), refusing a
/// text with none and any certificate that is not valid.
fn add_strict(roots: &mut RootCertStore, pem: &[u8], what: &str) -> Result<(), TransportError> {
    let certs = pem_certificates(pem, what)?;
    if certs.is_empty() {
        return Err(TransportError::setup(format!(
            "{what} holds no PEM certificate"
        )));
    }
    for (index, cert) in certs.into_iter().enumerate() {
        roots.add(cert).map_err(|error| {
            TransportError::setup(format!(
                "certificate #{} in {what} is not a valid X.509 certificate",
                index + 1
            ))
            .with_source(error)
        })?;
    }
    Ok(())
}

fn pem_certificates(
    pem: &[u8],
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, TransportError> {
    CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| {
            TransportError::setup(format!("{what} is not valid PEM")).with_source(error)
        })
}

/// Rule 2: the certificates `SSL_CERT_FILE` and `SSL_CERT_DIR` name.
///
/// Each file is read once and each certificate parsed once: a system's certificate directory
/// names most certificates twice (by name and by the hash OpenSSL looks them up by), and
/// often holds the very bundle `SSL_CERT_FILE` names (Debian's `/etc/ssl/certs` does both).
/// The roots are the same set either way; loading them took half the CPU time of a short
/// export before.
fn env_roots(env: &CertEnv) -> Result<RootCertStore, TransportError> {
    let mut loader = EnvLoader::default();
    if let Some(file) = &env.file {
        let unreadable = |error| {
            TransportError::setup(format!(
                "SSL_CERT_FILE names {}, which cannot be read",
                file.display()
            ))
            .with_source(error)
        };
        let metadata = std::fs::metadata(file).map_err(unreadable)?;
        let bytes = std::fs::read(file).map_err(unreadable)?;
        let what = format!("SSL_CERT_FILE ({})", file.display());
        let certs = pem_certificates(&bytes, &what)?;
        let total = certs.len();
        let valid = loader.add(file_id(file, &metadata), certs);
        tracing::debug!(file = %file.display(), valid, invalid = total - valid, "loaded SSL_CERT_FILE");
        if valid == 0 {
            return Err(TransportError::setup(format!(
                "SSL_CERT_FILE names {}, which holds no usable PEM certificate",
                file.display()
            )));
        }
    }
    for dir in &env.dirs {
        let entries = std::fs::read_dir(dir).map_err(|error| {
            TransportError::setup(format!(
                "SSL_CERT_DIR names {}, which cannot be read",
                dir.display()
            ))
            .with_source(error)
        })?;
        let mut files: Vec<(PathBuf, std::fs::Metadata)> = entries
            .filter_map(|entry| {
                let path = entry.ok()?.path();
                let metadata = std::fs::metadata(&path).ok()?;
                metadata.is_file().then_some((path, metadata))
            })
            .collect();
        files.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut valid_in_dir = 0;
        for (file, metadata) in files {
            let id = file_id(&file, &metadata);
            if let Some(&valid) = loader.files.get(&id) {
                valid_in_dir += valid;
                continue;
            }
            // Certificate directories also hold CRLs, keys and notes: skip what is not PEM.
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let Ok(certs) = CertificateDer::pem_slice_iter(&bytes).collect::<Result<Vec<_>, _>>()
            else {
                continue;
            };
            valid_in_dir += loader.add(id, certs);
        }
        tracing::debug!(dir = %dir.display(), valid = valid_in_dir, "loaded SSL_CERT_DIR");
        if valid_in_dir == 0 {
            return Err(TransportError::setup(format!(
                "SSL_CERT_DIR names {}, where no file holds a usable PEM certificate",
                dir.display()
            )));
        }
    }
    Ok(loader.roots)
}

/// What [`env_roots`] has loaded so far: the roots, the files read (with the usable
/// certificates each held) and the certificates added (their DER bytes).
struct EnvLoader {
    roots: RootCertStore,
    files: std::collections::HashMap<FileId, usize>,
    added: std::collections::HashSet<Vec<u8>>,
}

impl Default for EnvLoader {
    fn default() -> Self {
        Self {
            roots: RootCertStore::empty(),
            files: std::collections::HashMap::new(),
            added: std::collections::HashSet::new(),
        }
    }
}

impl EnvLoader {
    /// Adds the usable certificates of the file `id` that are not in yet; returns how many
    /// of `certs` are usable (in already, or added now).
    fn add(&mut self, id: FileId, certs: Vec<CertificateDer<'static>>) -> usize {
        let mut usable = 0;
        for cert in certs {
            if self.added.contains(cert.as_ref()) {
                usable += 1;
                continue;
            }
            let der = cert.as_ref().to_vec();
            if self.roots.add(cert).is_ok() {
                self.added.insert(der);
                usable += 1;
            }
        }
        self.files.insert(id, usable);
        usable
    }
}

/// A file, whatever names it (a link included): its device and inode on Unix, its path
/// elsewhere.
#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

#[cfg(unix)]
fn file_id(_path: &Path, metadata: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt as _;
    (metadata.dev(), metadata.ino())
}

#[cfg(not(unix))]
fn file_id(path: &Path, _metadata: &std::fs::Metadata) -> FileId {
    path.to_path_buf()
}

/// Rule 1.
fn store_roots(store: RootStore) -> Result<RootCertStore, TransportError> {
    match store {
        RootStore::Bundled => bundled_roots(),
        RootStore::System => system_roots(),
    }
}

#[cfg(feature = "webpki-roots")]
fn bundled_roots() -> Result<RootCertStore, TransportError> {
    tracing::debug!(
        roots = webpki_roots::TLS_SERVER_ROOTS.len(),
        "trusting the Mozilla roots bundled in the binary"
    );
    Ok(RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    })
}

#[cfg(not(feature = "webpki-roots"))]
fn bundled_roots() -> Result<RootCertStore, TransportError> {
    Err(TransportError::setup(
        "the bundled roots were asked for, but twilio-transport was built without its \
         `webpki-roots` feature",
    ))
}

/// The operating system's root certificates; an error when none of them could be loaded.
#[cfg(feature = "native-roots")]
fn system_roots() -> Result<RootCertStore, TransportError> {
    let loaded = rustls_native_certs::load_native_certs();
    if !loaded.errors.is_empty() {
        tracing::warn!(
            errors = loaded.errors.len(),
            "some of the system's root certificates could not be loaded"
        );
    }
    let mut roots = RootCertStore::empty();
    let (valid, invalid) = roots.add_parsable_certificates(loaded.certs);
    tracing::debug!(valid, invalid, "loaded the system's root certificates");
    if roots.is_empty() {
        return Err(TransportError::setup(format!(
            "no usable root certificate in the system's store ({invalid} invalid, {} loading \
             errors)",
            loaded.errors.len()
        )));
    }
    Ok(roots)
}

#[cfg(not(feature = "native-roots"))]
fn system_roots() -> Result<RootCertStore, TransportError> {
    Err(TransportError::setup(
        "the system's root store was asked for, but twilio-transport was built without its \
         `native-roots` feature",
    ))
}

/// The rustls client configuration: the `ring` provider, safe default protocol versions and
/// `roots`.
pub(crate) fn client_config(roots: RootCertStore) -> Result<rustls::ClientConfig, TransportError> {
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|error| {
        TransportError::setup("the TLS protocol versions cannot be set up").with_source(error)
    })?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(config)
}

// The expected counts include the bundled roots.
#[cfg(test)]
#[cfg(feature = "webpki-roots")]
mod tests {
    use super::*;
    use crate::TransportErrorKind;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "twilio-transport-tls-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }

        fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, contents).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn cert() -> rcgen::Certificate {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["ca.test".to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap()
    }

    fn pem(cert: &rcgen::Certificate) -> String {
        cert.pem()
    }

    fn bundled_count() -> usize {
        webpki_roots::TLS_SERVER_ROOTS.len()
    }

    /// A PEM block whose base64 is valid but whose bytes are not a certificate.
    const NOT_A_CERT_PEM: &str =
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";

    fn env(file: Option<&Path>, dirs: &[&Path]) -> CertEnv {
        CertEnv {
            file: file.map(Path::to_path_buf),
            dirs: dirs.iter().map(|d| d.to_path_buf()).collect(),
        }
    }

    fn setup_error(result: Result<RootCertStore, TransportError>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Setup, "{error}");
        error.to_string()
    }

    #[test]
    fn the_default_store_is_the_bundled_mozilla_roots() {
        assert_eq!(RootStore::default(), RootStore::Bundled);
        let roots = root_certificates(RootStore::default(), &CertEnv::default(), &[]).unwrap();
        assert_eq!(roots.len(), bundled_count());
    }

    #[cfg(not(feature = "native-roots"))]
    #[test]
    fn the_system_store_needs_its_feature() {
        let text = setup_error(root_certificates(
            RootStore::System,
            &CertEnv::default(),
            &[],
        ));
        assert!(text.contains("native-roots"), "{text}");
    }

    #[test]
    fn cert_env_reads_both_variables_and_ignores_empty_values() {
        let vars = |file: &'static str, dir: &'static str| {
            move |name: &str| match name {
                "SSL_CERT_FILE" => Some(file.to_owned()),
                "SSL_CERT_DIR" => Some(dir.to_owned()),
                _ => None,
            }
        };
        let env = CertEnv::from_lookup(vars("/etc/corp.pem", "/a:/b::/c"));
        assert_eq!(env.file(), Some(Path::new("/etc/corp.pem")));
        assert_eq!(
            env.dirs(),
            [
                PathBuf::from("/a"),
                PathBuf::from("/b"),
                PathBuf::from("/c")
            ]
        );
        let empty = CertEnv::from_lookup(vars("", ""));
        assert!(empty.is_empty(), "{empty:?}");
        assert!(CertEnv::from_lookup(|_| None).is_empty());
    }

    #[test]
    fn ssl_cert_file_replaces_the_store() {
        let dir = TempDir::new();
        let bundle = dir.write("corp.pem", format!("{}{}", pem(&cert()), pem(&cert())));
        let roots = root_certificates(RootStore::Bundled, &env(Some(&bundle), &[]), &[]).unwrap();
        assert_eq!(
            roots.len(),
            2,
            "only the file's certificates, not the bundled ones"
        );
    }

    #[test]
    fn ssl_cert_file_skips_unusable_certificates_but_needs_one() {
        let dir = TempDir::new();
        let mixed = dir.write("mixed.pem", format!("{NOT_A_CERT_PEM}{}", pem(&cert())));
        let roots = root_certificates(RootStore::Bundled, &env(Some(&mixed), &[]), &[]).unwrap();
        assert_eq!(roots.len(), 1);

        let useless = dir.write("useless.pem", NOT_A_CERT_PEM);
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &env(Some(&useless), &[]),
            &[],
        ));
        assert!(
            text.contains("SSL_CERT_FILE") && text.contains("useless.pem"),
            "{text}"
        );
        let empty = dir.write("empty.pem", "no certificates here\n");
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &env(Some(&empty), &[]),
            &[],
        ));
        assert!(
            text.contains("empty.pem") && text.contains("no usable"),
            "{text}"
        );
    }

    #[test]
    fn an_unreadable_ssl_cert_file_is_named() {
        let dir = TempDir::new();
        let missing = dir.0.join("missing.pem");
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &env(Some(&missing), &[]),
            &[],
        ));
        assert!(
            text.contains("SSL_CERT_FILE") && text.contains("missing.pem"),
            "{text}"
        );
    }

    #[test]
    fn ssl_cert_dir_reads_every_file_of_every_directory_and_adds_to_the_file() {
        let (one, two, files) = (TempDir::new(), TempDir::new(), TempDir::new());
        one.write("5ad8a5d6.0", pem(&cert()));
        one.write("README", "not a certificate");
        one.write(
            "5ad8a5d6.r0",
            "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n",
        );
        two.write("corp.pem", format!("{}{}", pem(&cert()), pem(&cert())));
        let file = files.write("bundle.pem", pem(&cert()));
        let roots = root_certificates(
            RootStore::Bundled,
            &env(Some(&file), &[&one.0, &two.0]),
            &[],
        )
        .unwrap();
        assert_eq!(roots.len(), 4);
    }

    #[test]
    fn each_file_and_each_certificate_of_the_environment_counts_once() {
        let (dir, files) = (TempDir::new(), TempDir::new());
        let (a, b, c) = (pem(&cert()), pem(&cert()), pem(&cert()));
        let bundle = files.write("bundle.pem", format!("{a}{b}"));
        // The same certificate again in a file of its own, and a file of one new one.
        dir.write("a.pem", &a);
        let named = dir.write("c.pem", &c);
        #[cfg(unix)]
        {
            // Linked by its hash, and the bundle itself in the directory, as Debian has them.
            std::os::unix::fs::symlink(&named, dir.0.join("5ad8a5d6.0")).unwrap();
            std::os::unix::fs::symlink(&bundle, dir.0.join("ca-certificates.crt")).unwrap();
        }
        let roots =
            root_certificates(RootStore::Bundled, &env(Some(&bundle), &[&dir.0]), &[]).unwrap();
        assert_eq!(roots.len(), 3, "a, b and c, once each");
        // A directory that holds only what the file held is not one without certificates.
        let (only, again) = (TempDir::new(), TempDir::new());
        only.write("a.pem", &a);
        let file = again.write("a.pem", &a);
        let roots =
            root_certificates(RootStore::Bundled, &env(Some(&file), &[&only.0]), &[]).unwrap();
        assert_eq!(roots.len(), 1);
        #[cfg(unix)]
        {
            let linked = TempDir::new();
            std::os::unix::fs::symlink(&file, linked.0.join("bundle.pem")).unwrap();
            let roots = root_certificates(RootStore::Bundled, &env(Some(&file), &[&linked.0]), &[])
                .unwrap();
            assert_eq!(roots.len(), 1);
        }
    }

    #[test]
    fn an_ssl_cert_dir_that_cannot_be_read_or_holds_no_certificate_is_named() {
        let dir = TempDir::new();
        let missing = dir.0.join("no-such-dir");
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &env(None, &[&missing]),
            &[],
        ));
        assert!(
            text.contains("SSL_CERT_DIR") && text.contains("no-such-dir"),
            "{text}"
        );
        dir.write("notes.txt", "nothing");
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &env(None, &[&dir.0]),
            &[],
        ));
        assert!(
            text.contains("SSL_CERT_DIR") && text.contains("no file"),
            "{text}"
        );
    }

    #[test]
    fn added_certificates_come_on_top_of_the_store_or_the_environment() {
        let der = cert().der().to_vec();
        let bundle = format!("{}{}", pem(&cert()), pem(&cert()));
        let extra = [
            ExtraRoot::Der(der.clone()),
            ExtraRoot::Pem(bundle.clone().into_bytes()),
        ];
        let roots = root_certificates(RootStore::Bundled, &CertEnv::default(), &extra).unwrap();
        assert_eq!(roots.len(), bundled_count() + 3);

        let dir = TempDir::new();
        let file = dir.write("env.pem", pem(&cert()));
        let roots = root_certificates(RootStore::Bundled, &env(Some(&file), &[]), &extra).unwrap();
        assert_eq!(roots.len(), 1 + 3);
    }

    #[test]
    fn added_certificates_are_checked_strictly() {
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::Der(b"not a certificate".to_vec())],
        ));
        assert!(text.contains("extra root certificate #1 (of 1)"), "{text}");

        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::Pem(b"no PEM at all".to_vec())],
        ));
        assert!(
            text.contains("PEM root certificates #1 holds no PEM certificate"),
            "{text}"
        );

        let mixed = format!("{}{NOT_A_CERT_PEM}", pem(&cert()));
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::Pem(mixed.into_bytes())],
        ));
        assert!(
            text.contains("certificate #2 in PEM root certificates #1"),
            "{text}"
        );

        let broken = "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n";
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::Pem(broken.as_bytes().to_vec())],
        ));
        assert!(text.contains("is not valid PEM"), "{text}");
    }

    #[test]
    fn certificate_files_may_be_pem_or_der_and_are_named_in_errors() {
        let dir = TempDir::new();
        let pem_file = dir.write("ca.pem", format!("{}{}", pem(&cert()), pem(&cert())));
        let der_file = dir.write("ca.der", cert().der());
        let roots = root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::File(pem_file), ExtraRoot::File(der_file)],
        )
        .unwrap();
        assert_eq!(roots.len(), bundled_count() + 3);

        for (name, contents, expected) in [
            (
                "empty.pem",
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                "holds no PEM certificate",
            ),
            ("junk.der", "junk", "neither PEM nor a valid DER"),
        ] {
            let path = dir.write(name, contents);
            let text = setup_error(root_certificates(
                RootStore::Bundled,
                &CertEnv::default(),
                &[ExtraRoot::File(path)],
            ));
            assert!(text.contains(name) && text.contains(expected), "{text}");
        }
        let text = setup_error(root_certificates(
            RootStore::Bundled,
            &CertEnv::default(),
            &[ExtraRoot::File(dir.0.join("absent.pem"))],
        ));
        assert!(
            text.contains("absent.pem") && text.contains("cannot be read"),
            "{text}"
        );
    }
}
