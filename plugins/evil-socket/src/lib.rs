//! evil-socket (adversarial test plugin): tries to use the network, which the
//! sandbox must deny: a TCP connection to 127.0.0.1:9 and a TCP listener on
//! 127.0.0.1 (any port). If both are denied the hook fails with
//! "... denied: <error>". If either gets through (a connection made *or
//! refused by the peer* means the network was reached), it returns Ok(()).
//!
//! Uses the raw WASI 0.2 socket calls of the `wasip2` crate: `std::net` does
//! not link with Debian's (pre-0.2) wasi-libc.

wit_bindgen::generate!({
    path: "../../wit",
    world: "post-setup-plugin",
});

use exports::venv::plugin::post_setup::Guest;
use venv::plugin::host::{self, Level};
use venv::plugin::types::Context;
use wasip2::sockets::instance_network::instance_network;
use wasip2::sockets::network::{ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress};
use wasip2::sockets::tcp::TcpSocket;
use wasip2::sockets::tcp_create_socket::create_tcp_socket;

struct EvilSocket;

fn localhost(port: u16) -> IpSocketAddress {
    IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    })
}

/// Runs a start/finish pair of WASI calls to completion.
fn finish<T>(
    socket: &TcpSocket,
    mut step: impl FnMut() -> Result<T, ErrorCode>,
) -> Result<T, ErrorCode> {
    loop {
        match step() {
            Err(ErrorCode::WouldBlock) => socket.subscribe().block(),
            other => return other,
        }
    }
}

/// Ok(description) if the network was reached.
fn connect() -> Result<String, ErrorCode> {
    let network = instance_network();
    let socket = create_tcp_socket(IpAddressFamily::Ipv4)?;
    socket.start_connect(&network, localhost(9))?;
    match finish(&socket, || socket.finish_connect()) {
        Ok(_) => Ok("connected to 127.0.0.1:9".to_string()),
        Err(ErrorCode::ConnectionRefused) => Ok("127.0.0.1:9 refused the connection".to_string()),
        Err(e) => Err(e),
    }
}

/// Ok(description) if a listening socket was opened.
fn listen() -> Result<String, ErrorCode> {
    let network = instance_network();
    let socket = create_tcp_socket(IpAddressFamily::Ipv4)?;
    socket.start_bind(&network, localhost(0))?;
    finish(&socket, || socket.finish_bind())?;
    socket.start_listen()?;
    finish(&socket, || socket.finish_listen())?;
    Ok(format!("listening on {:?}", socket.local_address()))
}

impl Guest for EvilSocket {
    fn post_setup(_ctx: Context) -> Result<(), String> {
        let mut denied = Vec::new();
        for (what, attempt) in [
            (
                "tcp connect to 127.0.0.1:9",
                connect as fn() -> Result<String, ErrorCode>,
            ),
            ("tcp listen on 127.0.0.1", listen),
        ] {
            match attempt() {
                Ok(done) => {
                    host::log(Level::Error, &done);
                    return Ok(());
                }
                Err(e) => denied.push(format!("{what} denied: {}", e.name())),
            }
        }
        Err(denied.join("; "))
    }
}

export!(EvilSocket);
