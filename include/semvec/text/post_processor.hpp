// semvec/text/post_processor.hpp — what wraps the tokens of one text (or a pair) in special tokens:
// HF's TemplateProcessing, RobertaProcessing, BertProcessing and ByteLevel processors, all expressed as one
// template for a single text and one for a pair.
//
//   BERT     [CLS] $A [SEP]          [CLS] $A [SEP] $B:1 [SEP]:1
//   RoBERTa  <s> $A </s>             <s> $A </s> </s> $B </s>       (every type id 0)
//   Qwen3    $A <|endoftext|>        $A <|endoftext|> $B:1 <|endoftext|>:1
//   ByteLevel / none                 $A  and  $A $B:1
//
// RobertaProcessing and ByteLevel may also trim offsets: a token's span loses the spaces its text starts or
// ends with ('Ġ'), as HF does before adding the special tokens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace semvec {

/// One element of a template: a special token (its ids) or the tokens of sequence A (0) or B (1).
struct TemplatePiece {
    bool special = false;
    int sequence = 0;                  ///< 0 = $A, 1 = $B (when !special)
    std::string token;                 ///< the special token's name (when special)
    std::vector<std::int32_t> ids;     ///< its ids (a special token may stand for several)
    std::uint32_t type_id = 0;
};

/// The post-processor of a tokenizer.
struct PostProcessor {
    std::vector<TemplatePiece> single{TemplatePiece{false, 0, {}, {}, 0}};
    std::vector<TemplatePiece> pair{TemplatePiece{false, 0, {}, {}, 0}, TemplatePiece{false, 1, {}, {}, 1}};
    /// Trim the offsets of tokens that start or end with spaces (RobertaProcessing / ByteLevel trim_offsets).
    bool trim_offsets = false;
    /// With trim_offsets: the first token keeps one leading space (add_prefix_space of the processor).
    bool add_prefix_space = false;

    /// Number of special tokens added to a single text or a pair.
    std::size_t added_tokens(bool is_pair) const {
        std::size_t n = 0;
        for (const auto& p : is_pair ? pair : single)
            if (p.special) n += p.ids.size();
        return n;
    }
};

}  // namespace semvec
