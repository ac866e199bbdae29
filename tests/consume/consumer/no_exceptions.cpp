// Built with -fno-exceptions -fno-rtti by the consume_no_exceptions test and run: beyond the umbrella header
// compiling, the error paths must work as values in that mode. It loads the bundled model and encodes,
// tokenizes with a tokenizer.json, parses text tables, and feeds each loader a hostile input (deep JSON,
// truncated file, bad numbers), expecting an Error each time and no abort.
#include <semvec/semvec.hpp>
#include <semvec/text/tokenizer.hpp>

#include <cstdio>
#include <string>
#include <vector>

static int failures = 0;
static void expect(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "FAILED: %s\n", what);
        ++failures;
    }
}

int main(int argc, char** argv) {
    if (argc != 3) return std::fprintf(stderr, "usage: no_exceptions MODEL TOKENIZER_JSON\n"), 2;
    auto model = semvec::load_model(argv[1]);
    expect(model.ok(), "the bundled model loads");
    if (model) {
        auto e = model->encode({"the cat sat on the mat", "", "\xff\xfe not utf-8"});
        expect(e.ok() && e->rows() == 3 && e->allFinite(), "encode");
    }
    expect(!semvec::load_model("no/such/model.safetensors").ok(), "a missing model is an error");

    auto tok = semvec::Tokenizer::from_tokenizer_json(argv[2]);
    expect(tok.ok(), "tokenizer.json loads");
    if (tok) expect(tok->encode_pair("hello world", "unaffable", 5).ids.size() == 5, "pair truncation");
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    expect(!semvec::Tokenizer::from_tokenizer_json_text("{\"model\":" + deep + "}").ok(), "deep tokenizer.json is an error");

    expect(semvec::parse_text_table("1,2\n3,4\n").ok(), "a text table parses");
    expect(!semvec::parse_text_table("1,2\n3,x\n").ok(), "a bad field is an error");
    expect(!semvec::parse_text_table("1,1e39\n").ok(), "a float overflow is an error");

    std::vector<float> v(16, 0.5f);
    auto bytes = semvec::serialize_safetensors({semvec::tensor_f32("x", v, {4, 4})});
    expect(bytes.ok(), "serialize");
    if (bytes) {
        bytes->resize(bytes->size() - 3);
        expect(!semvec::SafetensorsFile::from_buffer(bytes->data(), bytes->size()).ok(), "a truncated file is an error");
    }
    std::printf("no-exceptions consumer: %s\n", failures ? "FAILED" : "OK");
    return failures ? 1 : 0;
}
