// The AArch64 forward-parity program (neon_forward.cpp) feeds token ids, never text, but the model type links
// the tokenizer, whose Unicode tables come from utf8proc, and there is no AArch64 utf8proc library on the host.
// These stand-ins satisfy the linker only (C linkage matches by name); a call would be a test bug, so they
// abort. The tokenizers have no SIMD code and are tested natively (tests/text).
#include <cstdlib>

extern "C" {
void utf8proc_category() { std::abort(); }
void utf8proc_decompose_char() { std::abort(); }
void utf8proc_get_property() { std::abort(); }
void utf8proc_grapheme_break_stateful() { std::abort(); }
void utf8proc_normalize_utf32() { std::abort(); }
void utf8proc_tolower() { std::abort(); }
void utf8proc_toupper() { std::abort(); }
void utf8proc_map() { std::abort(); }
void utf8proc_decompose() { std::abort(); }
void utf8proc_reencode() { std::abort(); }
void utf8proc_iterate() { std::abort(); }
}
