//! The per-file data key: 32 random bytes, wiped from memory on drop, never printed.

use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The AES-256 key that encrypts every value of one file. It has no `Debug` or `Display` on
/// purpose, and its bytes are zeroed when it is dropped.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct DataKey([u8; 32]);

impl DataKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        DataKey(bytes)
    }

    /// Wraps key bytes recovered from a master key. `None` unless exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        Some(DataKey(bytes.try_into().ok()?))
    }

    /// The raw key bytes (to hand to a master key for wrapping).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for DataKey {
    fn eq(&self, other: &Self) -> bool {
        // Constant time is not needed for equality checks in tests and Shamir bookkeeping, but it
        // costs nothing.
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}
