//! The protocol's two messages that carry a data key in clear: the key a client sends to be
//! wrapped (`EncryptRequest.plaintext`) and the key a server sends back unwrapped
//! (`DecryptResponse.plaintext`). They zero it when dropped, and their `Debug` (generated code
//! would print the bytes) shows only its length. The gRPC stack's own encode and frame buffers
//! are beyond reach and are freed without zeroing (docs/keyservice.md says so).

use std::fmt;

use zeroize::Zeroize;

use super::proto::{DecryptResponse, EncryptRequest};

impl Drop for EncryptRequest {
    fn drop(&mut self) {
        self.plaintext.zeroize();
    }
}

impl Drop for DecryptResponse {
    fn drop(&mut self) {
        self.plaintext.zeroize();
    }
}

/// What a message's `Debug` shows in place of a data key.
struct Withheld(usize);

impl fmt::Debug for Withheld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes withheld>", self.0)
    }
}

impl fmt::Debug for EncryptRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptRequest")
            .field("key", &self.key)
            .field("plaintext", &Withheld(self.plaintext.len()))
            .finish()
    }
}

impl fmt::Debug for DecryptResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptResponse")
            .field("plaintext", &Withheld(self.plaintext.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_data_key() {
        let key = b"0123456789abcdef0123456789abcdef".to_vec();
        let request = EncryptRequest {
            key: None,
            plaintext: key.clone(),
        };
        let response = DecryptResponse { plaintext: key };
        for shown in [format!("{request:?}"), format!("{response:?}")] {
            assert!(shown.contains("<32 bytes withheld>"), "{shown}");
            assert!(!shown.contains("48, 49, 50"), "{shown}");
            assert!(!shown.contains("0123"), "{shown}");
        }
    }
}
