//! html5gum wired to the walker: the emitter that feeds it tokens (buffering only what it reads,
//! within the limit when streaming) and a fragment's text read by the tokenizer again.

use html5gum::emitters::callback::{Callback, CallbackEmitter, CallbackEvent};
use html5gum::{Emitter, ForwardingEmitter, Span, Tokenizer};

use super::Walker;

/// An emitter that asks the tokenizer for no parse errors (tmkit reads what a browser reads and
/// reports none), which spares it checking every character.
struct Quiet<E>(E);

/// The walker as the tokenizer's callback.
struct Events<'a, 't, 's>(&'a mut Walker<'t, 's>);

impl Callback<(), usize> for Events<'_, '_, '_> {
    fn handle_event(&mut self, event: CallbackEvent<'_>, span: Span<usize>) -> Option<()> {
        self.0.event(event, span);
        None
    }
}

/// The emitter feeding the walker: [`Quiet`], and it does not buffer what the walker never reads
/// (the text of scripts, styles and other elements not translated, comments, the values of
/// attributes not translated), keeps what it buffers within the limit when streaming, and stops
/// the tokenizer when the walker has failed.
struct Feed<'a, 't, 's>(CallbackEmitter<Events<'a, 't, 's>, (), usize>);

impl<'t, 's> Feed<'_, 't, 's> {
    fn walker(&mut self) -> &mut Walker<'t, 's> {
        self.0.callback_mut().0
    }

    /// Counts `n` more bytes buffered; false when they are over the limit.
    fn buffer(&mut self, n: usize) -> bool {
        let w = self.walker();
        if w.failed.is_some() {
            return false;
        }
        w.pending += n;
        match w.limit {
            Some(limit) if w.pending > limit => {
                w.refuse(w.last_end);
                false
            }
            _ => true,
        }
    }
}

impl ForwardingEmitter for Feed<'_, '_, '_> {
    type Token = ();

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<()> {
        if self.walker().failed.is_some() {
            return Some(());
        }
        self.0.pop_token()
    }

    fn emit_string(&mut self, s: &[u8]) {
        let keep = self.walker().opaque.is_none() && self.buffer(s.len());
        self.0.emit_string(if keep { s } else { b"" });
    }

    fn push_comment(&mut self, _: &[u8]) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        if self.buffer(s.len()) {
            self.0.push_tag_name(s);
        }
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        if self.buffer(s.len()) {
            self.0.push_attribute_name(s);
        }
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        // The name first: the walker says whether it reads the value.
        self.0.push_attribute_value(b"");
        let w = self.walker();
        if w.in_start && !w.skip_attr && self.buffer(s.len()) {
            self.0.push_attribute_value(s);
        }
    }
}

/// Runs the tokenizer over `reader`, feeding the walker, until the page ends or the walker fails.
pub(super) fn walk<R: html5gum::Reader>(
    w: &mut Walker<'_, '_>,
    reader: R,
) -> std::result::Result<(), R::Error> {
    let mut emitter = CallbackEmitter::new(Events(w));
    emitter.naively_switch_states(true);
    // The tokenizer yields a token only when the walker has failed.
    if let Some(r) = Tokenizer::new_with_emitter(reader, Feed(emitter)).next() {
        r?;
    }
    Ok(())
}

impl<E: Emitter> ForwardingEmitter for Quiet<E> {
    type Token = E::Token;

    fn inner(&mut self) -> &mut impl Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// The text of a piece of a text token (its character references resolved), read by the
/// tokenizer again.
pub(super) fn decode_fragment(raw: &str) -> String {
    let mut out: Vec<u8> = Vec::new();
    {
        let emitter =
            CallbackEmitter::new(|event: CallbackEvent<'_>, _span: Span<()>| -> Option<()> {
                if let CallbackEvent::String { value } = event {
                    out.extend_from_slice(value);
                }
                None
            });
        for _ in Tokenizer::new_with_emitter(raw.as_bytes(), Quiet(emitter)) {}
    }
    String::from_utf8_lossy(&out).into_owned()
}
