// semvec/text/truncation.hpp — how a pair of texts is cut down to a token limit (HF's truncation strategies).
// Its own header so that declarations which name it (EncodeOptions) need not include the tokenizer.
#pragma once

namespace semvec {

/// How a pair is cut down to max_length (HF's names).
enum class TruncationStrategy { longest_first, only_first, only_second };

}  // namespace semvec
