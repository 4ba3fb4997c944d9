//! Values the platform keeps as text in the database: statuses, kinds, sides, levels, topics
//! and validated codes. Each such type says here how it is written and read back, so the
//! server's storage layer can carry the type itself in its rows instead of a `String` that every
//! reader parses again.
//!
//! Reading back is exact: a stored value is the byte-for-byte text [`StoredText::stored_text`]
//! wrote, so no trimming or case folding happens, and anything else is a corrupt row — the
//! storage layer reports it as one error naming the column and the value. This crate knows
//! nothing of the database; it only fixes the text.

/// A value stored as text, written by [`StoredText::stored_text`] and read back by
/// [`StoredText::from_stored_text`].
pub trait StoredText: Sized {
    /// The type's name, for the error that reports a stored value it cannot read.
    const TYPE_NAME: &'static str;

    /// The text stored for this value (the same identifier the API and URLs use).
    fn stored_text(&self) -> &str;

    /// The value a stored text stands for, or `None` when the text is not one this type
    /// writes.
    fn from_stored_text(text: &str) -> Option<Self>;
}

/// [`StoredText`] for a `Copy` type with `ALL` and `as_str()`: the stored text is `as_str()`.
macro_rules! stored_as_str {
    ($($name:ty),+ $(,)?) => {$(
        impl $crate::stored::StoredText for $name {
            const TYPE_NAME: &'static str = stringify!($name);

            fn stored_text(&self) -> &str {
                self.as_str()
            }

            fn from_stored_text(text: &str) -> Option<Self> {
                <$name>::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    )+};
}
pub(crate) use stored_as_str;
