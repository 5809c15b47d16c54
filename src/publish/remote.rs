//! Object storage (`[site] publish_to = "s3://bucket/prefix"`): the output folder's files
//! copied to an S3-compatible bucket, for feeds served from a CDN or by several machines. A PUT
//! replaces an object whole, so a reader never sees half of one; what to upload and in which
//! order (feeds before the pages that link them) is the pipeline's business, this module only
//! speaks to the bucket, through the `object_store` crate.

use std::net::IpAddr;
use std::time::Duration;

use object_store::aws::{AmazonS3, AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, ClientConfigKey, ObjectStore, ObjectStoreExt, PutOptions, RetryConfig,
};

use super::Object;
use crate::config::{PublishTo, Site};
use crate::error::{Error, Result};

/// A bucket and the prefix the output folder's files go under.
#[derive(Debug)]
pub struct Bucket {
    store: AmazonS3,
    prefix: Key,
    /// `s3://bucket/prefix/`, for keys in messages.
    url: String,
    /// Where the bucket is reached, for messages.
    endpoint: String,
}

impl Bucket {
    /// The bucket `to` names, reached at its endpoint (`s3_endpoint`, else `AWS_ENDPOINT_URL`,
    /// else AWS) with the credentials of the usual AWS variables. Nothing is sent yet. Plain
    /// HTTP is allowed to a loopback endpoint (a test server, a local MinIO); anywhere else
    /// only with `AWS_ALLOW_HTTP=true`.
    pub fn open(to: &PublishTo, site: &Site) -> Result<Bucket> {
        let mut b = AmazonS3Builder::from_env().with_bucket_name(&to.bucket);
        if let Some(endpoint) = &to.endpoint {
            b = b.with_endpoint(endpoint.as_str());
        }
        if let Some(region) = &to.region {
            b = b.with_region(region);
        }
        let endpoint = b.get_config_value(&AmazonS3ConfigKey::Endpoint);
        let loopback = endpoint
            .as_deref()
            .and_then(|e| url::Url::parse(e).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_some_and(|h| {
                h == "localhost"
                    || h.trim_matches(['[', ']'])
                        .parse::<IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            });
        if loopback {
            b = b.with_allow_http(true);
        }
        let ms = |d: Duration| format!("{}ms", d.as_millis());
        b = b
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::Timeout),
                ms(site.fetch.timeout),
            )
            .with_config(
                AmazonS3ConfigKey::Client(ClientConfigKey::ConnectTimeout),
                ms(site.fetch.connect_timeout),
            )
            // A bucket that does not answer fails the feed within seconds; the next run tries
            // again (the stored hashes say what is still to upload).
            .with_retry(RetryConfig {
                max_retries: site.fetch.retries as usize,
                retry_timeout: site.fetch.timeout,
                ..RetryConfig::default()
            });
        let endpoint = endpoint.unwrap_or_else(|| {
            let region = b
                .get_config_value(&AmazonS3ConfigKey::Region)
                .unwrap_or_else(|| "us-east-1".into());
            format!("https://s3.{region}.amazonaws.com")
        });
        let url = to.url();
        let prefix = Key::parse(&to.prefix).map_err(|e| Error::Remote {
            action: "use",
            key: url.clone(),
            endpoint: endpoint.clone(),
            cause: e.to_string(),
        })?;
        let store = b.build().map_err(|e| Error::Remote {
            action: "connect to",
            key: url.clone(),
            endpoint: endpoint.clone(),
            cause: e.to_string(),
        })?;
        Ok(Bucket {
            store,
            prefix,
            url,
            endpoint,
        })
    }

    /// `s3://bucket/prefix/NAME`: how messages and the stored hashes name an object.
    pub fn key(&self, name: &str) -> String {
        format!("{}{name}", self.url)
    }

    fn error(&self, action: &'static str, key: String, e: object_store::Error) -> Error {
        Error::Remote {
            action,
            key,
            endpoint: self.endpoint.clone(),
            cause: e.to_string(),
        }
    }

    /// Puts one object in place whole, with its Content-Type and Cache-Control.
    pub async fn put(&self, object: Object<'_>) -> Result<()> {
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, object.content_type.into());
        attributes.insert(Attribute::CacheControl, object.cache_control.into());
        let opts = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        self.store
            .put_opts(&self.location(object.name), object.bytes.into(), opts)
            .await
            .map(|_| ())
            .map_err(|e| self.error("upload", self.key(object.name), e))
    }

    /// The object of `name`, a file's path below the output folder (`world/summit.html`).
    fn location(&self, name: &str) -> Key {
        name.split('/')
            .fold(self.prefix.clone(), |key, part| key.join(part))
    }

    /// The names of the objects directly under the prefix (not in folders below it).
    pub async fn names(&self) -> Result<Vec<String>> {
        self.names_in("").await
    }

    /// The names (`folder/file`) of the objects directly in `folder` below the prefix; all
    /// directly under the prefix when `folder` is empty.
    pub async fn names_in(&self, folder: &str) -> Result<Vec<String>> {
        let at = match folder {
            "" => self.prefix.clone(),
            _ => self.location(folder),
        };
        let listed = self
            .store
            .list_with_delimiter(Some(&at))
            .await
            .map_err(|e| self.error("list", self.key(folder), e))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|o| o.location.filename().map(str::to_owned))
            .map(|file| match folder {
                "" => file,
                _ => format!("{folder}/{file}"),
            })
            .collect())
    }

    /// The folders directly under the prefix (the feeds' article pages are in them).
    pub async fn folders(&self) -> Result<Vec<String>> {
        let listed = self
            .store
            .list_with_delimiter(Some(&self.prefix))
            .await
            .map_err(|e| self.error("list", self.url.clone(), e))?;
        Ok(listed
            .common_prefixes
            .into_iter()
            .filter_map(|p| p.filename().map(str::to_owned))
            .collect())
    }

    pub async fn delete(&self, name: &str) -> Result<()> {
        self.store
            .delete(&self.location(name))
            .await
            .map_err(|e| self.error("delete", self.key(name), e))
    }
}
