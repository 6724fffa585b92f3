//! A tiny deterministic PRNG (splitmix64) and hashing helpers.
//!
//! Everything the sandbox serves is a pure function of the seed and of indices, so that an
//! event can be produced on demand from `(seed, call, index)` without storing anything.

/// The splitmix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The splitmix64 finalizer: a bijection on `u64` with good avalanche.
pub(crate) const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Hashes a sequence of words into one well-mixed word.
pub(crate) fn hash(parts: &[u64]) -> u64 {
    parts
        .iter()
        .fold(GOLDEN, |h, &p| mix64(h ^ mix64(p.wrapping_add(GOLDEN))))
}

/// `mix64(key + index * GOLDEN)`: injective in `index` for a fixed key, so values derived
/// from it (such as call SIDs) never collide.
pub(crate) const fn unique(key: u64, index: u64) -> u64 {
    mix64(key.wrapping_add(index.wrapping_mul(GOLDEN)))
}

/// A splitmix64 generator.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator whose stream is determined by `parts`.
    pub(crate) fn new(parts: &[u64]) -> Self {
        Self(hash(parts))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix64(self.0)
    }

    /// A value in `0..n` (`n` must be non-zero; a zero `n` yields 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64().checked_rem(n).unwrap_or(0)
    }

    /// A value in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// True with probability `percent` / 100.
    pub(crate) fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of `items`, or `None` if it is empty.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let i = usize::try_from(self.below(len)).unwrap_or(0);
        items.get(i)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `prefix` followed by the 32 lowercase hex digits of `hi` and `lo`: a Twilio-style SID.
pub(crate) fn sid(prefix: &str, hi: u64, lo: u64) -> String {
    let mut s = String::with_capacity(prefix.len() + 32);
    s.push_str(prefix);
    push_hex(&mut s, hi);
    push_hex(&mut s, lo);
    s
}

/// Appends the 16 lowercase hex digits of `v`.
pub(crate) fn push_hex(s: &mut String, v: u64) {
    for shift in (0..16).rev() {
        let nibble = (v >> (shift * 4)) & 0xF;
        // `nibble` is < 16 by construction.
        s.push(char::from(HEX[nibble as usize]));
    }
}

/// Parses exactly 16 hex digits (either case).
pub(crate) fn parse_hex16(s: &str) -> Option<u64> {
    if s.len() != 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// `len` characters from `[0-9A-Za-z]`, like a Twilio API key secret.
pub(crate) fn alnum(rng: &mut Rng, len: usize) -> String {
    const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| char::from(*rng.pick(ALNUM).unwrap_or(&b'0')))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_parts_same_stream_different_parts_different_stream() {
        let a: Vec<u64> = {
            let mut r = Rng::new(&[1, 2, 3]);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(&[1, 2, 3]);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let c: Vec<u64> = {
            let mut r = Rng::new(&[1, 2, 4]);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn unique_is_injective_over_a_range() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            assert!(seen.insert(unique(7, i)));
        }
    }

    #[test]
    fn range_stays_within_bounds() {
        let mut r = Rng::new(&[9]);
        for _ in 0..1000 {
            let v = r.range(1, 120);
            assert!((1..=120).contains(&v));
        }
        assert_eq!(r.range(5, 5), 5);
        assert_eq!(r.below(0), 0);
    }

    #[test]
    fn sid_shape_and_hex_round_trip() {
        let s = sid("CA", 0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210);
        assert_eq!(s, "CA0123456789abcdeffedcba9876543210");
        assert_eq!(parse_hex16("0123456789ABCDEF"), Some(0x0123_4567_89ab_cdef));
        assert_eq!(parse_hex16("0123456789abcde"), None);
        assert_eq!(parse_hex16("+123456789abcdef"), None);
    }

    #[test]
    fn alnum_has_requested_length_and_alphabet() {
        let mut r = Rng::new(&[3]);
        let s = alnum(&mut r, 32);
        assert_eq!(s.len(), 32);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
}
