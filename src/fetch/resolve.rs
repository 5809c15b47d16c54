//! DNS with the private-address rule: a link found in content may not reach loopback, private,
//! link-local or other non-public addresses (see [`is_private_ip`]), and checking its URL alone
//! misses a public-looking name that resolves to one. Host names the config names are trusted
//! and resolve as usual.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::urls::is_private_ip;

pub struct GuardedResolver {
    trusted: Arc<HashSet<String>>,
}

impl GuardedResolver {
    pub fn new(trusted: Arc<HashSet<String>>) -> GuardedResolver {
        GuardedResolver { trusted }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let trusted = self.trusted.contains(&host);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed = allowed_addrs(&host, found, trusted)?;
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The addresses a name may connect to: all of them for a trusted name, else the public ones.
pub fn allowed_addrs(
    host: &str,
    found: Vec<SocketAddr>,
    trusted: bool,
) -> Result<Vec<SocketAddr>, String> {
    if trusted {
        return Ok(found);
    }
    let public: Vec<SocketAddr> = found
        .iter()
        .copied()
        .filter(|a| !is_private_ip(a.ip()))
        .collect();
    if public.is_empty() && !found.is_empty() {
        return Err(format!(
            "{host} resolves only to private addresses; a link found in content may not reach them \
             (put the URL in the config to trust its host)"
        ));
    }
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(list: &[&str]) -> Vec<SocketAddr> {
        list.iter().map(|a| a.parse().unwrap()).collect()
    }

    #[test]
    fn untrusted_names_lose_private_addresses() {
        let mixed = addrs(&["10.0.0.5:0", "93.184.216.34:0", "[fe80::1]:0"]);
        assert_eq!(
            allowed_addrs("news.example", mixed, false).unwrap(),
            addrs(&["93.184.216.34:0"])
        );
        let err = allowed_addrs(
            "intranet.example",
            addrs(&["127.0.0.1:0", "[::1]:0"]),
            false,
        )
        .unwrap_err();
        assert!(
            err.contains("intranet.example") && err.contains("private"),
            "{err}"
        );
    }

    #[test]
    fn private_addresses_in_disguise_are_refused() {
        // A name answering with IPv6 forms of private IPv4 addresses, or with documentation,
        // multicast and NAT64 addresses of private ones, is as private as 127.0.0.1.
        let disguised = addrs(&[
            "[::ffff:127.0.0.1]:0",
            "[::ffff:169.254.169.254]:0",
            "[::10.0.0.1]:0",
            "[64:ff9b::a9fe:a9fe]:0",
            "[fec0::1]:0",
            "[ff02::1]:0",
            "0.0.0.0:0",
            "100.64.1.1:0",
            "224.0.0.1:0",
            "255.255.255.255:0",
        ]);
        let err = allowed_addrs("sneaky.example", disguised.clone(), false).unwrap_err();
        assert!(err.contains("sneaky.example"), "{err}");
        let mut with_public = disguised;
        with_public.push("[2606:4700::1111]:0".parse().unwrap());
        assert_eq!(
            allowed_addrs("sneaky.example", with_public, false).unwrap(),
            addrs(&["[2606:4700::1111]:0"])
        );
    }

    #[test]
    fn trusted_names_resolve_as_usual() {
        let local = addrs(&["127.0.0.1:0"]);
        assert_eq!(
            allowed_addrs("dev.local", local.clone(), true).unwrap(),
            local
        );
    }

    #[tokio::test]
    async fn the_resolver_applies_the_rule() {
        let r = GuardedResolver::new(Arc::new(HashSet::from(["localhost".to_string()])));
        let trusted = r
            .resolve("localhost".parse().unwrap())
            .await
            .unwrap()
            .count();
        assert!(trusted > 0);
        let untrusted = GuardedResolver::new(Arc::new(HashSet::new()));
        let err = untrusted
            .resolve("localhost".parse().unwrap())
            .await
            .err()
            .expect("refused");
        assert!(err.to_string().contains("private addresses"), "{err}");
    }
}
