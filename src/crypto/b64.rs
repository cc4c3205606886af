//! Standard base64 with padding for the short fields of `ENC[...]` values (a few dozen bytes
//! each, tens of thousands per file), where the general `base64` engine's per-call set-up costs
//! more than the work. Accepts and rejects exactly what `base64::engine::general_purpose::STANDARD`
//! does (canonical padding, zero trailing bits); the tests hold it to that.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Not a base64 digit.
const INVALID: u8 = 0xff;

const DIGIT_VALUES: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The length of `n` bytes encoded.
pub const fn encoded_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Appends the encoding of `data` to `out`.
pub fn encode_into(data: &[u8], out: &mut Vec<u8>) {
    let digit = |v: u32| ALPHABET[(v & 63) as usize];
    let mut chunks = data.chunks_exact(3);
    for chunk in &mut chunks {
        let v = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        out.extend_from_slice(&[digit(v >> 18), digit(v >> 12), digit(v >> 6), digit(v)]);
    }
    match *chunks.remainder() {
        [a] => {
            let v = u32::from(a) << 16;
            out.extend_from_slice(&[digit(v >> 18), digit(v >> 12), b'=', b'=']);
        }
        [a, b] => {
            let v = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend_from_slice(&[digit(v >> 18), digit(v >> 12), digit(v >> 6), b'=']);
        }
        _ => {}
    }
}

/// Decodes `text`, or `None` when it is not canonical padded base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let Some((body, last)) = bytes.split_last_chunk::<4>() else {
        return Some(out);
    };
    for quad in body.chunks_exact(4) {
        let v = quad_value(quad[0], quad[1], quad[2], quad[3])?;
        out.extend_from_slice(&v.to_be_bytes()[1..]);
    }
    let [a, b, c, d] = *last;
    match (c, d) {
        (b'=', b'=') => {
            let v = quad_value(a, b, b'A', b'A')?;
            // Bits past the one byte must be zero, as in the canonical encoding.
            if v & 0xffff != 0 {
                return None;
            }
            out.push((v >> 16) as u8);
        }
        (_, b'=') => {
            let v = quad_value(a, b, c, b'A')?;
            if v & 0xff != 0 {
                return None;
            }
            out.extend_from_slice(&v.to_be_bytes()[1..3]);
        }
        _ => {
            let v = quad_value(a, b, c, d)?;
            out.extend_from_slice(&v.to_be_bytes()[1..]);
        }
    }
    Some(out)
}

/// Four digits as 24 bits, or `None` if one is not a digit (`=` included).
fn quad_value(a: u8, b: u8, c: u8, d: u8) -> Option<u32> {
    let [a, b, c, d] = [a, b, c, d].map(|x| DIGIT_VALUES[usize::from(x)]);
    if (a | b | c | d) & 0xc0 != 0 {
        return None;
    }
    Some(u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d))
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn every_short_input_matches_the_base64_crate() {
        // All strings of up to 4 characters over digits at the edges, padding and a stranger,
        // then every length-8 string ending in two of those: covers every padding case.
        let symbols = ["A", "B", "Q", "g", "w", "/", "+", "=", "-", "Z", "9"];
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = inputs
                .iter()
                .flat_map(|s| symbols.iter().map(move |c| format!("{s}{c}")))
                .collect();
            inputs.extend(longer);
        }
        for input in inputs {
            assert_eq!(decode(&input), STANDARD.decode(&input).ok(), "{input:?}");
            let eight = format!("QUJD{input}");
            assert_eq!(decode(&eight), STANDARD.decode(&eight).ok(), "{eight:?}");
        }
    }

    proptest! {
        #[test]
        fn round_trips_like_the_base64_crate(data in proptest::collection::vec(any::<u8>(), 0..80)) {
            let mut encoded = Vec::new();
            encode_into(&data, &mut encoded);
            let encoded = String::from_utf8(encoded).unwrap();
            prop_assert_eq!(&encoded, &STANDARD.encode(&data));
            prop_assert_eq!(encoded.len(), encoded_len(data.len()));
            prop_assert_eq!(decode(&encoded), Some(data));
        }

        #[test]
        fn decodes_like_the_base64_crate(text in "[A-Za-z0-9+/=_ -]{0,24}") {
            prop_assert_eq!(decode(&text), STANDARD.decode(&text).ok());
        }
    }
}
