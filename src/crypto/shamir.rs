//! Shamir secret sharing over GF(2^8), compatible with sops's key groups.
//!
//! The field uses the AES polynomial x^8+x^4+x^3+x+1 (0x11B). A share is the polynomial's value
//! for every secret byte followed by its x coordinate as the last byte; sops gives group i the
//! share at x = i + 1.

use rand::RngCore;
use zeroize::Zeroizing;

fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            product ^= a;
        }
        let carry = a & 0x80;
        a <<= 1;
        if carry != 0 {
            a ^= 0x1B;
        }
        b >>= 1;
    }
    product
}

fn gf_inverse(a: u8) -> u8 {
    // a^254 = a^-1 in GF(2^8).
    let mut result = 1u8;
    let mut base = a;
    let mut exponent = 254u8;
    while exponent != 0 {
        if exponent & 1 != 0 {
            result = gf_mul(result, base);
        }
        base = gf_mul(base, base);
        exponent >>= 1;
    }
    result
}

/// Why shares could not be made or combined.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShamirError {
    /// Threshold or share count out of range.
    #[error(
        "invalid Shamir parameters: threshold {threshold}, {parts} key groups (need 2 <= threshold <= groups <= 255)"
    )]
    Parameters {
        /// The threshold.
        threshold: usize,
        /// The number of shares.
        parts: usize,
    },
    /// Shares that cannot be combined.
    #[error("cannot combine Shamir shares: {0}")]
    Shares(&'static str),
}

/// Splits `secret` into `parts` shares, any `threshold` of which recover it.
pub fn split(
    secret: &[u8],
    parts: usize,
    threshold: usize,
) -> Result<Vec<Zeroizing<Vec<u8>>>, ShamirError> {
    if threshold < 2 || parts < threshold || parts > 255 {
        return Err(ShamirError::Parameters { threshold, parts });
    }
    let mut shares: Vec<Zeroizing<Vec<u8>>> = (0..parts)
        .map(|_| Zeroizing::new(Vec::with_capacity(secret.len() + 1)))
        .collect();
    let mut coefficients = Zeroizing::new(vec![0u8; threshold - 1]);
    for &byte in secret {
        rand::rngs::OsRng.fill_bytes(&mut coefficients);
        for (index, share) in shares.iter_mut().enumerate() {
            let x = (index + 1) as u8;
            // Horner's rule from the highest coefficient down to the secret byte.
            let mut y = 0u8;
            for &c in coefficients.iter().rev() {
                y = gf_mul(y, x) ^ c;
            }
            share.push(gf_mul(y, x) ^ byte);
        }
    }
    for (index, share) in shares.iter_mut().enumerate() {
        share.push((index + 1) as u8);
    }
    Ok(shares)
}

/// Recovers the secret from shares (all of them are used, as sops does).
pub fn combine(shares: &[&[u8]]) -> Result<Zeroizing<Vec<u8>>, ShamirError> {
    if shares.len() < 2 {
        return Err(ShamirError::Shares("at least two shares are needed"));
    }
    let len = shares[0].len();
    if len < 2 || shares.iter().any(|s| s.len() != len) {
        return Err(ShamirError::Shares("shares differ in length"));
    }
    let xs: Vec<u8> = shares.iter().map(|s| s[len - 1]).collect();
    for (i, x) in xs.iter().enumerate() {
        if *x == 0 || xs[..i].contains(x) {
            return Err(ShamirError::Shares("duplicate or zero share index"));
        }
    }
    // Lagrange basis values at x = 0 do not depend on the byte position.
    let basis: Vec<u8> = (0..xs.len())
        .map(|i| {
            let mut value = 1u8;
            for (j, &xj) in xs.iter().enumerate() {
                if i != j {
                    value = gf_mul(value, gf_mul(xj, gf_inverse(xj ^ xs[i])));
                }
            }
            value
        })
        .collect();
    let mut secret = Zeroizing::new(vec![0u8; len - 1]);
    for (position, out) in secret.iter_mut().enumerate() {
        *out = shares
            .iter()
            .zip(&basis)
            .fold(0u8, |acc, (s, &b)| acc ^ gf_mul(s[position], b));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic() {
        assert_eq!(gf_mul(0x57, 0x83), 0xC1); // FIPS-197 example
        for a in 1..=255u8 {
            assert_eq!(gf_mul(a, gf_inverse(a)), 1, "{a}");
        }
    }

    #[test]
    fn any_threshold_subset_recovers() {
        let secret: Vec<u8> = (0..32).collect();
        let shares = split(&secret, 3, 2).unwrap();
        assert!(
            shares
                .iter()
                .enumerate()
                .all(|(i, s)| s.len() == 33 && s[32] == i as u8 + 1)
        );
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            assert_eq!(
                &combine(&[&shares[a], &shares[b]]).unwrap()[..],
                &secret[..]
            );
        }
        assert_eq!(
            &combine(&[&shares[0], &shares[1], &shares[2]]).unwrap()[..],
            &secret[..]
        );
        assert!(combine(&[&shares[0]]).is_err());
        assert!(split(&secret, 3, 1).is_err());
    }
}
