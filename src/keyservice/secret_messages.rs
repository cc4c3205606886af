//! The protocol's two messages that carry a data key in clear zero it when dropped: the key a
//! client sends to be wrapped (`EncryptRequest.plaintext`) and the key a server sends back
//! unwrapped (`DecryptResponse.plaintext`). The gRPC stack's own encode and frame buffers are
//! beyond reach and are freed without zeroing (docs/keyservice.md says so).

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
