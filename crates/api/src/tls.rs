//! TLS for the platform's own outgoing requests (webhooks), and the process-wide rustls crypto
//! provider that reqwest's rustls backend requires before any client is built.
//!
//! reqwest is built with `rustls-no-provider` so that the ring provider (already compiled for
//! the database driver) is used rather than a second, C-built one; the price is that someone must
//! install it before the first `Client` is made. The server does it at start; tests and tools
//! that make clients of their own call [`install_crypto_provider`] too.

use std::sync::Once;

/// Installs ring as the process's rustls crypto provider, once; later calls do nothing.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means another provider was installed first, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
