//! Memory for unwrapped data keys: one fixed buffer, locked from swap where the OS allows, cut
//! into equal slots. A slot is zeroed when it is given back, and the whole buffer when the
//! store is dropped. Nothing else in the agent holds a cached key.

use zeroize::Zeroize;

/// The size of one slot: a data key is 32 bytes, a Shamir share 33.
pub const SLOT_BYTES: usize = 128;

/// How many slots the store has: 512 slots of 128 bytes, 64 KiB, within the smallest default
/// `RLIMIT_MEMLOCK` Linux has had.
pub const SLOTS: usize = 512;

/// Whether the store's pages are locked in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockState {
    /// `mlock` succeeded: the pages cannot be swapped out.
    Locked,
    /// The OS refused (`RLIMIT_MEMLOCK`, no support); the reason, for one warning.
    Refused(String),
}

/// Fixed-size key storage.
pub struct LockedSlots {
    // The guard unlocks the pages when dropped; it is declared first so that it drops before
    // the buffer is freed.
    _lock: Option<region::LockGuard>,
    lock_state: LockState,
    bytes: Box<[u8]>,
    lengths: Vec<Option<usize>>,
}

/// A slot in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slot(usize);

impl LockedSlots {
    /// Allocates the buffer and tries to lock it.
    pub fn new() -> LockedSlots {
        let bytes = vec![0u8; SLOT_BYTES * SLOTS].into_boxed_slice();
        let (lock, lock_state) = match region::lock(bytes.as_ptr(), bytes.len()) {
            Ok(guard) => (Some(guard), LockState::Locked),
            Err(e) => (None, LockState::Refused(e.to_string())),
        };
        LockedSlots {
            _lock: lock,
            lock_state,
            bytes,
            lengths: vec![None; SLOTS],
        }
    }

    /// Whether the pages are locked.
    pub fn lock_state(&self) -> &LockState {
        &self.lock_state
    }

    /// Copies `secret` into a free slot; `None` when every slot is taken or it does not fit.
    pub fn store(&mut self, secret: &[u8]) -> Option<Slot> {
        if secret.len() > SLOT_BYTES {
            return None;
        }
        let index = self.lengths.iter().position(Option::is_none)?;
        self.lengths[index] = Some(secret.len());
        self.bytes[index * SLOT_BYTES..][..secret.len()].copy_from_slice(secret);
        Some(Slot(index))
    }

    /// The secret in `slot`.
    pub fn get(&self, slot: Slot) -> &[u8] {
        let len = self.lengths[slot.0].unwrap_or(0);
        &self.bytes[slot.0 * SLOT_BYTES..][..len]
    }

    /// Zeroes `slot` and makes it free.
    pub fn release(&mut self, slot: Slot) {
        self.bytes[slot.0 * SLOT_BYTES..][..SLOT_BYTES].zeroize();
        self.lengths[slot.0] = None;
    }

    /// Whether every slot is taken.
    pub fn is_full(&self) -> bool {
        self.lengths.iter().all(Option::is_some)
    }

    /// Whether every byte is zero and no slot is taken.
    pub fn is_clear(&self) -> bool {
        self.lengths.iter().all(Option::is_none) && self.bytes.iter().all(|b| *b == 0)
    }

    /// Zeroes every slot.
    pub fn clear(&mut self) {
        self.bytes.zeroize();
        self.lengths.iter_mut().for_each(|l| *l = None);
    }
}

impl Default for LockedSlots {
    fn default() -> Self {
        LockedSlots::new()
    }
}

impl Drop for LockedSlots {
    fn drop(&mut self) {
        self.bytes.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_released_slot_is_zero_and_reused() {
        let mut slots = LockedSlots::new();
        let a = slots.store(&[7; 32]).unwrap();
        assert_eq!(slots.get(a), &[7; 32]);
        slots.release(a);
        assert!(slots.bytes.iter().all(|b| *b == 0));
        assert_eq!(slots.store(&[1; 33]), Some(a));
        assert!(slots.store(&[0; SLOT_BYTES + 1]).is_none());
    }

    #[test]
    fn a_full_store_says_so() {
        let mut slots = LockedSlots::new();
        for _ in 0..SLOTS {
            slots.store(b"k").unwrap();
        }
        assert!(slots.is_full());
        assert!(slots.store(b"k").is_none());
        slots.clear();
        assert!(!slots.is_full());
    }
}
