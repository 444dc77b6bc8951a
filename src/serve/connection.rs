//! The connections of `akg serve`: accepting them, HTTP/1.1 on each
//! (hyper), their time limits, and the shutdown with a deadline.
//!
//! - At most [`Limits::max_connections`] are open at once. The accept loop
//!   takes a slot before it accepts, so further clients wait in the
//!   kernel's backlog until a connection closes.
//! - A client has [`Limits::header_timeout`] to send a request's head
//!   (request line and headers), counted from the opening of the
//!   connection or the end of the previous response, however slowly the
//!   bytes trickle in: hyper's header-read timer. It also closes a
//!   kept-alive connection that sends no next request.
//! - A response the client stops reading fails once no byte has left for
//!   [`Limits::stall_timeout`] ([`Stalling`]); the handlers read request
//!   bodies under the same limit.
//! - Pipelined requests are answered in order, also when the client shuts
//!   its side of the connection after sending them (half-close).
//! - On shutdown the server stops accepting, closes at once every
//!   connection that has not sent a whole request (a browser's spare
//!   socket, a stalled client), lets the requests under way finish, and
//!   drops whatever is left after [`Limits::shutdown_timeout`].

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service as _};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

/// The limits on connections.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// How long a client may take to send a request's head.
    pub header_timeout: Duration,
    /// How long a body upload or a response may go without moving a byte.
    pub stall_timeout: Duration,
    /// The most connections open at once.
    pub max_connections: u32,
    /// How long the shutdown waits for the requests under way.
    pub shutdown_timeout: Duration,
}

/// Serves `app` on every connection `listener` accepts until `shutdown`
/// completes, then shuts down within [`Limits::shutdown_timeout`].
pub(super) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let max_connections = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max_connections as usize));
    let (stop, stopping) = watch::channel(false);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .half_close(true)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, slot) = tokio::select! {
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(
            http.clone(),
            stream,
            app.clone(),
            limits.stall_timeout,
            stopping.clone(),
            slot,
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    // Every open connection holds a slot: all slots back means all closed.
    let _ =
        tokio::time::timeout(limits.shutdown_timeout, slots.acquire_many(max_connections)).await;
}

/// A free slot, then the next connection.
async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> (TcpStream, OwnedSemaphorePermit) {
    let Ok(slot) = slots.clone().acquire_owned().await else {
        // The semaphore is never closed.
        return std::future::pending().await;
    };
    loop {
        match listener.accept().await {
            Ok((stream, _)) => return (stream, slot),
            // Out of file descriptors, or a client gone before it was
            // accepted: wait a little rather than spin.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Serves one connection; `slot` is freed when it closes.
async fn connection(
    http: http1::Builder,
    stream: TcpStream,
    app: Router,
    stall_timeout: Duration,
    mut stopping: watch::Receiver<bool>,
    slot: OwnedSemaphorePermit,
) {
    let _slot = slot;
    // Whether a whole request head has arrived on this connection.
    let asked = Arc::new(AtomicBool::new(false));
    let router = TowerToHyperService::new(app);
    let service = {
        let asked = asked.clone();
        service_fn(move |request: hyper::Request<Incoming>| {
            asked.store(true, Ordering::Relaxed);
            router.call(request)
        })
    };
    let io = TokioIo::new(Stalling::new(stream, stall_timeout));
    let conn = http.serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stopping.wait_for(|stop| *stop) => {}
    }
    if !asked.load(Ordering::Relaxed) {
        return;
    }
    // Finish the request under way (hyper closes an idle connection at
    // once); the server's deadline cuts it short.
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// A stream whose writes fail once they have waited `limit` for the
/// client to take a byte, so that a client that stops reading a response
/// cannot hold its connection and buffer for ever.
pub(super) struct Stalling<S> {
    inner: S,
    limit: Duration,
    /// Running while a write waits.
    waiting: Option<Pin<Box<Sleep>>>,
}

impl<S> Stalling<S> {
    pub(super) fn new(inner: S, limit: Duration) -> Self {
        Self {
            inner,
            limit,
            waiting: None,
        }
    }

    /// Passes a write's outcome on; a write still waiting after `limit`
    /// becomes an error.
    fn progress<T>(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.waiting = None;
            return poll;
        }
        let limit = self.limit;
        let timer = self
            .waiting
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        if timer.as_mut().poll(cx).is_ready() {
            self.waiting = None;
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading the response",
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Stalling<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Stalling<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progress(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progress(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_flush(cx);
        self.progress(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.inner).poll_shutdown(cx);
        self.progress(cx, poll)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes into a connection whose other end reads nothing: the writes
    /// go through until the buffers are full, then fail after the limit.
    #[test]
    fn a_write_that_waits_past_the_limit_fails() -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            let client = TcpStream::connect(listener.local_addr()?).await?;
            let (server, _) = listener.accept().await?;
            let limit = Duration::from_millis(300);
            let mut stalling = Stalling::new(server, limit);
            let chunk = vec![b'x'; 1 << 16];
            let mut written = 0usize;
            let outcome = loop {
                let started = tokio::time::Instant::now();
                let wrote =
                    std::future::poll_fn(|cx| Pin::new(&mut stalling).poll_write(cx, &chunk)).await;
                match wrote {
                    Ok(n) => written += n,
                    Err(err) => break (err.kind(), started.elapsed()),
                }
                assert!(written < 1 << 30, "the writes never stalled");
            };
            assert_eq!(outcome.0, io::ErrorKind::TimedOut);
            assert!(outcome.1 >= limit, "failed after {:?}", outcome.1);
            assert!(written > 0);
            drop(client);
            Ok(())
        })
    }
}
