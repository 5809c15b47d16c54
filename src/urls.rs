//! The one place for URLs: resolving relative links, canonical forms for ids and
//! de-duplication, and telling which hosts a discovered link may not reach.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
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

/// The article a known redirector's link leads to, when the link itself says it: Facebook's
/// `l.facebook.com/l.php?u=`, Reddit's `out.reddit.com/…?url=`, and a Google News
/// `news.google.com/rss/articles/…` id of the kind that carries the URL inside it. `None` for
/// any other link, and for a redirector link whose target cannot be read from it (a newer
/// Google News id, a `t.co` link: only following them tells).
pub fn unwrap_redirector(url: &Url) -> Option<Url> {
    let host = url.host_str()?.to_ascii_lowercase();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| absolutize(None, &v))
    };
    match host.as_str() {
        "l.facebook.com" | "lm.facebook.com" if url.path() == "/l.php" => param("u"),
        "out.reddit.com" => param("url"),
        "news.google.com" => {
            let id = url.path().strip_prefix("/rss/articles/")?;
            google_news_target(id.split('/').next()?)
        }
        _ => None,
    }
}

/// The URL inside an older Google News article id: base64url of a small protobuf message whose
/// first string field is the article's URL.
fn google_news_target(id: &str) -> Option<Url> {
    let bytes = base64url(id)?;
    let start = bytes.windows(4).position(|w| w == b"http")?;
    // The string's length is the varint just before it (one byte for URLs under 128, two else).
    let len = match start {
        s if s >= 2 && bytes[s - 2] & 0x80 != 0 => {
            (bytes[s - 2] & 0x7f) as usize | ((bytes[s - 1] as usize) << 7)
        }
        s if s >= 1 => bytes[s - 1] as usize,
        _ => return None,
    };
    let raw = bytes.get(start..start + len)?;
    absolutize(None, std::str::from_utf8(raw).ok()?)
}

/// Decodes unpadded base64url (`-` and `_`); `None` on any other character.
fn base64url(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim_end_matches('=').bytes() {
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
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

/// A name as one URL path segment and file name: ASCII letters and digits lower-cased, every
/// other run of characters one `-` ("2024/Hello World" gives "2024-hello-world"); never empty.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    match trimmed.is_empty() {
        true => "article".into(),
        false => trimmed.to_string(),
    }
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

/// True for addresses a link found in content may not reach: anything that is not a public
/// unicast address. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64) are judged
/// by the address they carry, so `::ffff:127.0.0.1` is as private as `127.0.0.1`.
pub fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    a == 0 // "this network" 0/8, including the unspecified address
        || a == 10
        || a == 127
        || (a == 100 && (b & 0xc0) == 64) // CGNAT 100.64/10
        || (a == 169 && b == 254) // link local
        || (a == 172 && (b & 0xf0) == 16)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments 192.0.0/24
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 192 && b == 168)
        || (a == 198 && (b & 0xfe) == 18) // benchmarking 198.18/15
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || a >= 224 // multicast 224/4, reserved 240/4 and broadcast
}

fn is_private_v6(v6: Ipv6Addr) -> bool {
    let seg = v6.segments();
    if let Some(v4) = embedded_v4(v6) {
        return is_private_v4(v4);
    }
    v6.is_unspecified()
        || v6.is_loopback()
        || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80 // link local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0 // site local fec0::/10 (deprecated, still routed inside)
        || (seg[0] & 0xff00) == 0xff00 // multicast ff00::/8
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation 2001:db8::/32
        || (seg[0] == 0x0100 && seg[1..4] == [0, 0, 0]) // discard-only 100::/64
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
/// `::a.b.c.d` (deprecated, but still parsed by stacks), NAT64 `64:ff9b::/96` and the local
/// NAT64 prefix `64:ff9b:1::/48`, whose translator would connect to the IPv4 address, and 6to4.
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let seg = v6.segments();
    let o = v6.octets();
    let last = Ipv4Addr::new(o[12], o[13], o[14], o[15]);
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    // `::` and `::1` are IPv6's own unspecified and loopback addresses, not compatible forms.
    if seg[..6] == [0; 6] && !(v6.is_unspecified() || v6.is_loopback()) {
        return Some(last);
    }
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return Some(last);
    }
    if seg[..3] == [0x64, 0xff9b, 1] {
        return Some(last);
    }
    if seg[0] == 0x2002 {
        // 6to4 2002:AABB:CCDD::/48: a relay forwards to the IPv4 address in bits 16–47.
        return Some(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirectors_give_up_the_article_they_lead_to() {
        let u = |s: &str| Url::parse(s).unwrap();
        let target = |s: &str| unwrap_redirector(&u(s)).map(|t| t.to_string());
        assert_eq!(
            target("https://l.facebook.com/l.php?u=https%3A%2F%2Fe.org%2Fa%3Fid%3D1&h=AT0x"),
            Some("https://e.org/a?id=1".into())
        );
        assert_eq!(
            target("https://out.reddit.com/t3_abc?url=https%3A%2F%2Fe.org%2Fb&token=x"),
            Some("https://e.org/b".into())
        );
        // An old-style Google News id: base64url of 0x08 0x13 0x22, a length, then the URL.
        let mut msg = vec![0x08, 0x13, 0x22, 23];
        msg.extend_from_slice(b"https://e.org/news/c?x=");
        let id = base64url_encode(&msg);
        assert_eq!(
            target(&format!("https://news.google.com/rss/articles/{id}?oc=5")),
            Some("https://e.org/news/c?x=".into())
        );
        // What the link cannot say stays as it is.
        assert_eq!(
            target("https://news.google.com/rss/articles/AU_yqLNotDecodable?oc=5"),
            None
        );
        assert_eq!(target("https://t.co/abc123"), None);
        assert_eq!(
            target("https://l.facebook.com/l.php?u=javascript%3Aalert(1)"),
            None
        );
        assert_eq!(target("https://e.org/l.php?u=https%3A%2F%2Fx.org%2F"), None);
    }

    /// The test's own encoder, so the decoder is checked against an independent writer.
    fn base64url_encode(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (*b as u32) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    #[test]
    fn slugs_are_lower_ascii_with_single_dashes() {
        assert_eq!(slug("2024/Hello World.md"), "2024-hello-world-md");
        assert_eq!(slug("--A__b--"), "a-b");
        assert_eq!(slug("日本"), "article");
    }

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

    #[test]
    fn private_addresses_table() {
        let private = [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.255.255",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.0.0.1",
            "::ffff:0.0.0.0",
            "64:ff9b::127.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::192.168.0.1",
            "64:ff9b:1:abcd::10.0.0.1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "feff::1",
            "ff02::1",
            "ff05::2",
            "2001:db8::1",
            "2001:db8:ffff::1",
            "100::1",
            "2002:7f00:1::1",
            "2002:c0a8:101::",
        ];
        for ip in private {
            let parsed: IpAddr = ip.parse().unwrap();
            assert!(is_private_ip(parsed), "{ip} should be private");
        }
        let public = [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "192.0.1.1",
            "192.0.3.1",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.1",
            "198.51.101.1",
            "203.0.114.1",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
            "::8.8.8.8",
            "64:ff9b::8.8.8.8",
            "64:ff9b:1::1.1.1.1",
            "2001:db9::1",
            "2001:4860::8888",
            "fb00::1",
            "2002:808:808::1",
        ];
        for ip in public {
            let parsed: IpAddr = ip.parse().unwrap();
            assert!(!is_private_ip(parsed), "{ip} should be public");
        }
    }

    #[test]
    fn private_literal_hosts_in_urls() {
        for u in [
            "http://[::ffff:127.0.0.1]/",
            "http://[64:ff9b::a00:1]/",
            "http://0.0.0.0:8080/",
            "http://[fec0::1]/",
            "http://198.18.0.1/",
        ] {
            assert!(is_private_host(&Url::parse(u).unwrap()), "{u}");
        }
    }
}
