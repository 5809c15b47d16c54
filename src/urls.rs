//! The one place for URLs: resolving relative links, canonical forms for ids and
//! de-duplication, and telling which hosts a discovered link may not reach.

use std::net::IpAddr;
use url::Url;

/// Query parameters that only track the reader; dropped from canonical URLs.
fn is_tracking_param(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.starts_with("utm_")
        || matches!(
            n.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "yclid"
                | "igshid"
                | "_hsenc"
                | "_hsmi"
                | "ref_src"
                | "cmpid"
                | "ocid"
                | "smid"
                | "at_medium"
                | "at_campaign"
        )
}

/// Canonical form used for ids and de-duplication: fragment and tracking parameters dropped,
/// host lower-cased (the `url` crate does that), default port removed, empty query removed.
pub fn canonical(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| !is_tracking_param(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    u
}

/// Resolves `href` against `base`; only http(s) results are returned.
pub fn absolutize(base: Option<&Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    let resolved = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(resolved.scheme(), "http" | "https").then_some(resolved)
}

/// True for hosts a link discovered in content must not reach unless the configured source is
/// on the same host: loopback, private, link-local and unspecified addresses, and `localhost`.
pub fn is_private_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => is_private_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => is_private_ip(IpAddr::V6(ip)),
        None => true,
    }
}

pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64) // CGNAT 100.64/10
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00 // unique local
                || (seg[0] & 0xffc0) == 0xfe80 // link local
                || v6.to_ipv4_mapped().is_some_and(|v4| is_private_ip(IpAddr::V4(v4)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_drops_fragment_and_tracking() {
        let u = Url::parse("https://Ex.org/a?utm_source=x&id=3&fbclid=1#top").unwrap();
        assert_eq!(canonical(&u).as_str(), "https://ex.org/a?id=3");
        let u = Url::parse("https://ex.org/a?utm_medium=rss").unwrap();
        assert_eq!(canonical(&u).as_str(), "https://ex.org/a");
    }

    #[test]
    fn absolutize_rejects_other_schemes() {
        let base = Url::parse("https://ex.org/news/").unwrap();
        assert_eq!(
            absolutize(Some(&base), "a.html").unwrap().as_str(),
            "https://ex.org/news/a.html"
        );
        assert!(absolutize(Some(&base), "javascript:alert(1)").is_none());
        assert!(absolutize(None, "/rel").is_none());
    }

    #[test]
    fn private_hosts() {
        for u in [
            "http://127.0.0.1/",
            "http://10.1.2.3/",
            "http://[::1]/",
            "http://169.254.1.1/",
            "http://localhost:8080/",
        ] {
            assert!(is_private_host(&Url::parse(u).unwrap()), "{u}");
        }
        assert!(!is_private_host(
            &Url::parse("https://example.org/").unwrap()
        ));
    }
}
