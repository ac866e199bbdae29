#!/usr/bin/python3
"""Convert a model into a semvec model file (docs/model-format.md).

  convert.py HF_DIR OUT.safetensors [--dtype f32|f16|bf16] [--pooling cls|mean|max|last] [--normalize|--no-normalize]
                                   [--matryoshka-dims 768,512,...|any]
  convert.py --hub NAME OUT.safetensors [...]          (needs huggingface_hub, online)
  convert.py --word-vectors FILE_OR_DIR OUT.safetensors [--dtype f16] [--sif A] [--max-words N]  (GloVe, word2vec text/.bin, Model2Vec)
  convert.py MODEL.tflite | NAME-weights_manifest.json | TORCHVISION_DIR OUT.safetensors [--dtype f32|f16|bf16|int8]  (image models)

Needs numpy; torch only for pytorch_model.bin. Exit codes: 0 ok, 1 input error, 2 usage.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from semvec_convert import ConvertError  # noqa: E402


def hub_download(name):
    try:
        import huggingface_hub
    except ImportError:
        raise ConvertError("--hub needs the huggingface_hub package, which is not installed "
                           "(pip install huggingface_hub); or download the model folder yourself and pass its path")
    try:
        files = set(huggingface_hub.list_repo_files(name))
        patterns = ["*.json", "vocab.txt", "1_Pooling/*", "2_Normalize/*"]
        if "model.safetensors" in files or "model.safetensors.index.json" in files:
            patterns += ["model.safetensors", "model.safetensors.index.json", "model-*.safetensors"]
        else:  # only the pickle: fetch it (reading it needs torch)
            patterns += ["pytorch_model.bin"]
        return huggingface_hub.snapshot_download(name, allow_patterns=patterns)
    except Exception as e:  # offline, unknown repo, ...
        raise ConvertError("--hub %s: download failed (offline? HF_HUB_OFFLINE set? unknown name?): %s" % (name, e))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="convert.py", description=__doc__.split("\n")[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("source", nargs="?", help="Hugging Face model folder")
    ap.add_argument("out", nargs="?", help="output .safetensors")
    ap.add_argument("--word-vectors", metavar="FILE", help="convert word vectors (GloVe/word2vec file or Model2Vec folder)")
    ap.add_argument("--hub", metavar="NAME", help="download NAME through huggingface_hub first")
    ap.add_argument("--dtype", default=None, choices=["f32", "f16", "bf16", "int8"],
                    help="weight storage (default f32; f16 for --word-vectors)")
    ap.add_argument("--pooling", choices=["cls", "mean", "max", "last"], help="override the pooling")
    ap.add_argument("--matryoshka-dims", metavar="D,D,...", help="declare the Matryoshka dimensions the model was "
                    "trained for (from its model card), or 'any': semvec embed --dimensions N accepts only these")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--normalize", dest="normalize", action="store_true", default=None)
    g.add_argument("--no-normalize", dest="normalize", action="store_false")
    ap.add_argument("--sif", type=float, metavar="A", help="--word-vectors: fold SIF weights A/(A+p(word)) into the "
                    "vectors, p from Zipf's law on the file's frequency order (the default model uses 1e-4)")
    ap.add_argument("--max-words", type=int, metavar="N", help="--word-vectors: keep only the first (most frequent) N words")
    ap.add_argument("--from-bin", action="store_true", help="read pytorch_model.bin even when model.safetensors exists")
    a = ap.parse_args(argv)
    pos = [p for p in (a.source, a.out) if p]
    try:
        if a.word_vectors:
            if len(pos) != 1:
                ap.error("--word-vectors FILE takes exactly one OUT")
            from semvec_convert.wordvec import convert_word_vectors
            if a.pooling and a.pooling != "mean":
                ap.error("static models pool by mean")
            convert_word_vectors(a.word_vectors, pos[0], dtype=a.dtype or "f16", normalize=a.normalize, sif=a.sif,
                                 max_words=a.max_words)
            return 0
        if a.hub:
            if len(pos) != 1:
                ap.error("--hub NAME takes exactly one OUT")
            folder, out = hub_download(a.hub), pos[0]
        else:
            if len(pos) != 2:
                ap.error("expected HF_DIR OUT.safetensors")
            folder, out = pos
            from semvec_convert.vision import convert_vision_source
            if convert_vision_source(folder, out, dtype=a.dtype or "f32"):  # image models (.tflite, TF.js, torchvision)
                return 0
            if not os.path.isdir(folder):
                raise ConvertError("%s: not a folder" % folder)
        from semvec_convert.hf import convert_hf
        mdims = None
        if a.matryoshka_dims:
            try:
                mdims = "any" if a.matryoshka_dims == "any" else [int(x) for x in a.matryoshka_dims.split(",")]
            except ValueError:
                ap.error("--matryoshka-dims takes comma-separated integers or 'any'")
        convert_hf(folder, out, dtype=a.dtype or "f32", pooling=a.pooling, normalize=a.normalize, prefer_bin=a.from_bin,
                   matryoshka_dims=mdims)
        return 0
    except ConvertError as e:
        print("convert.py: error: %s" % e, file=sys.stderr)
        return 1
    except (OSError, KeyError) as e:
        print("convert.py: error: %s" % (e if isinstance(e, OSError) else "missing config field %s" % e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
