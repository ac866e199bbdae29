"""scripts/semvec_convert/tokenizer.py on BPE and SentencePiece folders: what it stores in a model file, read back
by the C++ library (`semvec tokenize --model`), gives the golden ids. Also checks the minimal protobuf reader
against python3-sentencepiece (installed by scripts/setup.sh; required under CI).
Run: SEMVEC_CLI=path/to/semvec /usr/bin/python3 -m unittest tests/text/test_convert_tokenizer.py"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "tests", "data", "tokenizer")
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from semvec_convert import ConvertError  # noqa: E402
from semvec_convert import safetensors_io as st  # noqa: E402
from semvec_convert import tokenizer as tk  # noqa: E402

CLI = os.environ.get("SEMVEC_CLI")


def golden(name):
    with open(os.path.join(DATA, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


class ConvertTokenizer(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="semvec_tok_")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def folder(self, files, config):
        d = tempfile.mkdtemp(dir=self.tmp)
        for src in files:
            shutil.copy(os.path.join(DATA, src), d)
        with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
            json.dump(config, f)
        return d

    def model_file(self, folder):
        notes = []
        tok, vocab = tk.read_tokenizer(folder, 512, notes)
        path = os.path.join(self.tmp, "tok.safetensors")
        st.write(path, [("dummy", "F32", np.zeros(1, dtype=np.float32))],
                 {"semvec.tokenizer": json.dumps(tok, ensure_ascii=False),
                  "semvec.vocab": json.dumps(vocab, ensure_ascii=False)})
        return path, tok

    def tokenize(self, model, texts):
        if not CLI:
            self.fail("SEMVEC_CLI is not set (ctest sets it to the semvec binary)")
        inp = "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in texts)
        p = subprocess.run([CLI, "tokenize", "--model", model, "--jsonl"], input=inp.encode("utf-8"),
                           capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return [json.loads(line)["input_ids"] for line in p.stdout.decode("utf-8").splitlines()]

    def check(self, folder, golden_name, reference):
        model, tok = self.model_file(folder)
        self.assertEqual(tok["reference"], reference)
        g = golden(golden_name)
        got = self.tokenize(model, [s["text"] for s in g["strings"]])
        want = [s["input_ids"] for s in g["strings"]]
        self.assertEqual(len(got), len(want))
        bad = [g["strings"][i]["text"] for i in range(len(want)) if got[i] != want[i]]
        self.assertEqual(bad, [])

    def test_vocab_json_and_merges_store_the_slow_roberta_tokenizer(self):
        d = self.folder(["roberta-base/vocab.json", "roberta-base/merges.txt"], {"tokenizer_class": "RobertaTokenizer"})
        self.check(d, "roberta-base", "transformers_slow")

    def test_vocab_json_and_merges_store_the_slow_qwen2_tokenizer(self):
        cfg = json.load(open(os.path.join(DATA, "qwen2", "tokenizer_config.json")))
        d = self.folder(["qwen2/vocab.json", "qwen2/merges.txt"], cfg)
        self.check(d, "qwen2", "transformers_slow")

    def test_spiece_model_stores_the_slow_xlmr_and_albert_tokenizers(self):
        d = self.folder(["xlmr-unigram-8k/spiece.model"], {"tokenizer_class": "XLMRobertaTokenizer"})
        self.check(d, "xlmr-unigram-8k", "transformers_slow")
        d = self.folder(["albert-base-v2/spiece.model"], {"tokenizer_class": "AlbertTokenizer", "do_lower_case": True,
                                                           "keep_accents": False, "remove_space": True})
        self.check(d, "albert-base-v2", "transformers_slow")

    def test_tokenizer_json_of_unigram_models_is_stored_with_hf_behaviour(self):
        for name in ("xlmr-unigram-8k", "albert-base-v2"):
            d = self.folder([name + "/tokenizer.json"], {"tokenizer_class": "XLMRobertaTokenizerFast"})
            model, tok = self.model_file(d)
            self.assertEqual(tok["reference"], "hf_tokenizers")
            g = golden("hf/" + name)
            got = self.tokenize(model, [s["text"] for s in g["strings"]])
            self.assertEqual(got, [s["input_ids"] for s in g["strings"]])

    def test_the_minimal_protobuf_reader_agrees_with_sentencepiece(self):
        try:
            import sentencepiece as spm  # Debian python3-sentencepiece
        except ImportError:
            if os.environ.get("CI"):
                self.fail("python3-sentencepiece is not installed (scripts/setup.sh installs it)")
            self.skipTest("python3-sentencepiece not installed (the reader itself does not need it)")
        for name in ("xlmr-unigram-8k", "albert-base-v2"):
            path = os.path.join(DATA, name, "spiece.model")
            m = tk.read_sentencepiece_model(path)
            sp = spm.SentencePieceProcessor(model_file=path)
            self.assertEqual(len(m["pieces"]), sp.get_piece_size())
            for i, (piece, score, ptype) in enumerate(m["pieces"]):
                self.assertEqual(piece, sp.id_to_piece(i))
                self.assertAlmostEqual(score, sp.get_score(i), places=6)
                self.assertEqual(ptype == 2, sp.is_unknown(i))
                self.assertEqual(ptype == 3, sp.is_control(i))

    def test_a_broken_model_file_is_a_clear_error(self):
        bad = os.path.join(self.tmp, "spiece.model")
        with open(bad, "wb") as f:
            f.write(b"\x0a\xff\xff\xff\xff\x0f")
        with self.assertRaises(ConvertError) as cm:
            tk.read_sentencepiece_model(bad)
        self.assertIn("not a SentencePiece model", str(cm.exception))
        d = self.folder(["roberta-base/vocab.json"], {"tokenizer_class": "RobertaTokenizer"})
        with open(os.path.join(d, "merges.txt"), "w") as f:
            f.write("#version: 0.2\na b c\n")
        with self.assertRaises(ConvertError) as cm:
            tk.read_tokenizer(d, 512, [])
        self.assertIn("line 2", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
