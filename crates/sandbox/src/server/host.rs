//! Which Twilio product a request is for, told apart by the `Host` it was sent to.
//!
//! The sandbox listens on one loopback address; Twilio's products live on their own hosts
//! (`api.twilio.com`, `verify.twilio.com`, …). The sandbox maps them to subdomains of
//! `localhost`, which resolve to loopback without any configuration: `api.localhost:PORT`
//! is the 2010-04-01 API, as are plain `localhost:PORT` and `127.0.0.1:PORT` (so that
//! everything written for the sandbox before it served more than one product keeps
//! working), and every other product of the specs is on the first label of its host
//! (`verify.localhost:PORT`, `flex-api.localhost:PORT`), served generically by `crud/` from
//! the products table. A name that is no product is answered 404 with Twilio's error JSON
//! naming it, never served as another.

use http::StatusCode;
use http::request::Parts;

use crate::reply::error_response;
use crate::server::body::SandboxBody;

/// A product the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Product {
    /// The 2010-04-01 API (`api.twilio.com`).
    Api,
    /// Another product, by the first label of its host (`verify`), served by `crud/`.
    Other(&'static str),
}

/// The subdomains of `localhost` the sandbox answers, and the product of each.
const PRODUCTS: &[(&str, Product)] = &[("api", Product::Api)];

/// A request for a product the sandbox does not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unserved {
    /// The subdomain of `localhost` the request named, e.g. `verify`.
    pub(crate) product: String,
}

impl Unserved {
    /// Twilio's 404 for it.
    pub(crate) fn response(&self, path: &str) -> http::Response<SandboxBody> {
        error_response(
            StatusCode::NOT_FOUND,
            20404,
            &format!(
                "The requested resource {path} was not found: the sandbox does not serve the \
                 {} product (host {}.localhost)",
                self.product, self.product
            ),
        )
    }
}

/// The product of a request: from its `Host` header (HTTP/1.1), or its URI's authority
/// (HTTP/2), without the port. A host that is not a subdomain of `localhost` (`localhost`
/// itself, `127.0.0.1`, `[::1]`, a name a proxy or `/etc/hosts` maps to the sandbox) is the
/// 2010-04-01 API.
pub(crate) fn product(req: &Parts) -> Result<Product, Unserved> {
    let host = req
        .headers
        .get(http::header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri.authority().map(http::uri::Authority::as_str))
        .unwrap_or("");
    product_of(host)
}

fn product_of(host: &str) -> Result<Product, Unserved> {
    let name = match host.rsplit_once(':') {
        // `[::1]:8080`, `localhost:8080`; a bare IPv6 literal keeps its colons.
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let Some(sub) = name.strip_suffix(".localhost") else {
        return Ok(Product::Api);
    };
    PRODUCTS
        .iter()
        .find(|(known, _)| *known == sub)
        .map(|(_, product)| *product)
        .or_else(|| {
            crate::store::products::labels()
                .find(|label| *label == sub)
                .map(Product::Other)
        })
        .ok_or_else(|| Unserved {
            product: sub.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_name_products() {
        for host in [
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "api.localhost:8080",
            "API.LOCALHOST",
            "api.localhost.:1",
            "",
        ] {
            assert_eq!(product_of(host), Ok(Product::Api), "{host}");
        }
        assert_eq!(
            product_of("verify.localhost:8080"),
            Ok(Product::Other("verify"))
        );
        assert_eq!(
            product_of("flex-api.localhost"),
            Ok(Product::Other("flex-api"))
        );
        assert_eq!(
            product_of("nothing.localhost:8080"),
            Err(Unserved {
                product: "nothing".to_owned()
            })
        );
        let r = Unserved {
            product: "verify".to_owned(),
        }
        .response("/v2/Services");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
}
