//! A request served as Spin 4.0.2 hands a `wasi:http@0.3` component's answer to its HTTP server
//! (`crates/trigger-http/src/wasip3.rs`): the head as soon as the guest returns it, the body as
//! the guest writes it. The instance's event loop runs in a task of its own, on until the server
//! has read or dropped the body (the guest writes the body after it returns). The serve mode's
//! `--like-spin` uses it, so that the keep-alive stall Spin's server meets can be measured here
//! (BENCHMARKS.md, "the keep-alive stall").

use crate::TestHost;
use crate::host::REQUEST_TIMEOUT;
use anyhow::{Result, anyhow};
use bytes::Bytes;
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use hyper::body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::oneshot;

/// An answer's body as the guest writes it; dropping it lets the instance's event loop end.
pub struct StreamedBody {
    body: UnsyncBoxBody<Bytes, std::io::Error>,
    _read: Option<oneshot::Sender<()>>,
}

impl StreamedBody {
    fn empty() -> StreamedBody {
        StreamedBody {
            body: crate::body::never_failing(http_body_util::Empty::new()),
            _read: None,
        }
    }
}

impl Body for StreamedBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl TestHost {
    /// Serves `req` as Spin does (see the module's comment). The store counts and stdout are
    /// not reported, and the answer is not held against an OpenAPI document.
    pub async fn send_streamed(&self, req: http::Request<Bytes>) -> Result<http::Response<StreamedBody>> {
        let Some((component, req)) = self.routed(req)? else {
            let mut response = http::Response::new(StreamedBody::empty());
            *response.status_mut() = http::StatusCode::NOT_FOUND;
            return Ok(response);
        };
        let mut warm = self.instance_for(&component).await?;
        let (answered, answer) = oneshot::channel();
        let host = self.clone();
        tokio::spawn(async move {
            let service = &warm.service;
            let serving = warm.store.run_concurrent(async move |accessor| {
                let response = crate::host::handle(accessor, service, req).await?;
                let (read, body_read) = oneshot::channel();
                let response = response.map(|body| StreamedBody {
                    body: body
                        .map_err(|code| std::io::Error::other(format!("{code:?}")))
                        .boxed_unsync(),
                    _read: Some(read),
                });
                if answered.send(response).is_ok() {
                    // The guest writes the body after it returned: its event loop must run
                    // until the server is done with the body.
                    let _ = body_read.await;
                }
                wasmtime::Result::Ok(())
            });
            match tokio::time::timeout(REQUEST_TIMEOUT, serving).await {
                Ok(Ok(Ok(()))) => {
                    warm.stdout.take();
                    host.done_with(&component, warm);
                }
                Ok(Ok(Err(e)) | Err(e)) => eprintln!("{component} failed: {e:?}"),
                Err(_) => eprintln!("{component} did not finish within {REQUEST_TIMEOUT:?}"),
            }
        });
        answer
            .await
            .map_err(|_| anyhow!("the component failed before it answered"))
    }
}
