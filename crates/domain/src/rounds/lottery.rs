//! The seeded lottery that breaks ties in enterprises' rankings.
//!
//! A round draws a 63-bit seed when it is opened and stores it. A student's lottery number is
//! `splitmix64(fnv1a64(seed as 8 little-endian bytes ‖ school id as 8 little-endian bytes ‖
//! pseudonym as UTF-8))`: FNV-1a spreads the bytes, SplitMix64's finalizer mixes the result so
//! that neighbouring pseudonyms (`s1`, `s2`) get unrelated numbers. Among applicants an
//! enterprise ranks equally, the smaller number comes first. The function is written out here,
//! not taken from a hashing crate, so the numbers can never change with a dependency update:
//! anyone with the round's data and seed can recompute the order.

/// The lottery number of a student (identified in the round by their school and pseudonym).
pub fn lottery_key(seed: u64, school_id: i64, pseudonym: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let bytes = seed.to_le_bytes().into_iter().chain(school_id.to_le_bytes()).chain(pseudonym.bytes());
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    splitmix64(hash)
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
