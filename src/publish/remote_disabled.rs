//! [`Bucket`] in a build without the `s3` cargo feature: the config refuses `publish_to` when
//! it loads, so no bucket is ever opened; this stand-in keeps the pipeline the same in both
//! builds, and cannot be made.

use std::convert::Infallible;

use super::Object;
use crate::config::{PublishTo, Site};
use crate::error::{Error, Result};

#[derive(Debug)]
pub struct Bucket {
    never: Infallible,
}

impl Bucket {
    pub fn open(to: &PublishTo, _site: &Site) -> Result<Bucket> {
        Err(Error::Remote {
            action: "use",
            key: to.url(),
            endpoint: "no endpoint".into(),
            cause: "this feedsmith was built without the `s3` cargo feature".into(),
        })
    }

    pub fn key(&self, _name: &str) -> String {
        match self.never {}
    }

    pub async fn put(&self, _object: Object<'_>) -> Result<()> {
        match self.never {}
    }

    pub async fn names(&self) -> Result<Vec<String>> {
        match self.never {}
    }

    pub async fn names_in(&self, _folder: &str) -> Result<Vec<String>> {
        match self.never {}
    }

    pub async fn folders(&self) -> Result<Vec<String>> {
        match self.never {}
    }

    pub async fn delete(&self, _name: &str) -> Result<()> {
        match self.never {}
    }
}
