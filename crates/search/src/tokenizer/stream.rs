//! The analyser as a tantivy [`Tokenizer`], registered for every Chinese text field.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// A tantivy tokenizer over [`analyze`](super::analyze): jieba search mode with the domain
/// dictionary, character positions, punctuation dropped, English lower-cased and stemmed.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChineseTokenizer;

/// The tokens of one text, analysed up front: jieba works on the whole text at once anyway.
pub struct ChineseTokenStream {
    tokens: Vec<Token>,
    /// One past the current token; 0 before the first `advance`.
    next: usize,
    /// What `token` returns before the first or after the last `advance`.
    none: Token,
}

impl Tokenizer for ChineseTokenizer {
    type TokenStream<'a> = ChineseTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ChineseTokenStream {
        let tokens = super::analyze(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.offset_from,
                offset_to: t.offset_to,
                position: t.position,
                text: t.text,
                position_length: t.span,
            })
            .collect();
        ChineseTokenStream { tokens, next: 0, none: Token::default() }
    }
}

impl TokenStream for ChineseTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.next.checked_sub(1).and_then(|i| self.tokens.get(i)).unwrap_or(&self.none)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.none,
        }
    }
}
