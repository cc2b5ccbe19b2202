//! A body that cannot fail, boxed as whatever error type its consumer takes: wasi:http's
//! `ErrorCode` for an outbound answer, `std::io::Error` for the serve mode's.

use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::Body;
use std::convert::Infallible;

pub(crate) fn never_failing<B, E>(body: B) -> UnsyncBoxBody<Bytes, E>
where
    B: Body<Data = Bytes, Error = Infallible> + Send + 'static,
{
    body.map_err(|never| match never {}).boxed_unsync()
}
