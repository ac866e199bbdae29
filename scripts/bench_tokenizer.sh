#!/usr/bin/env bash
# Single-thread tokenizer throughput per family (WordPiece, byte-level BPE, Unigram), semvec beside
# transformers.js 4.3.1 and HF tokenizers (Rust) on the same tokenizer.json, the same corpora, in the same run.
# usage: scripts/bench_tokenizer.sh [BUILD_DIR]     (needs bench_tokenizer built: -DSEMVEC_BUILD_BENCH=ON)
#   PEERS_DIR [build-bench/peers]: an npm folder with @huggingface/transformers@4.3.1 and @anush008/tokenizers@0.6.0;
#             installed there on first use (npm install --ignore-scripts; skipped with NO_NPM=1)
# Corpora (one text per line, from ../shared): AG News test (title + description) and STS-B test sentences.
# Tokenizers: bert-base-uncased (vocab.txt for semvec, tokenizer.json for the peers), roberta-base and
# xlmr-unigram-8k tokenizer.json from ../shared/fixtures/tokenizer/tokenizer-json. semvec reads the same files.
# Prints the CPU, SIMD level and load, then MB/s (1e6 bytes), tokens/s and semvec's speed over each peer.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-bench}
SHARED=${SEMVEC_SHARED:-$ROOT/../shared}
PEERS_DIR=${PEERS_DIR:-$BUILD/peers}
BENCH=$BUILD/bench/tokenizer/bench_tokenizer
[ -x "$BENCH" ] || { echo "bench_tokenizer not found in $BUILD (configure with -DSEMVEC_BUILD_BENCH=ON)" >&2; exit 1; }
if [ ! -d "$PEERS_DIR/node_modules/@anush008/tokenizers" ] && [ -z "${NO_NPM:-}" ]; then
  mkdir -p "$PEERS_DIR"
  (cd "$PEERS_DIR" && npm init -y >/dev/null && npm install --ignore-scripts --no-audit --no-fund \
     @huggingface/transformers@4.3.1 @anush008/tokenizers@0.6.0 @anush008/tokenizers-linux-x64-gnu@0.6.0 >/dev/null)
fi
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
/usr/bin/python3 - "$SHARED" "$TMP" <<'PY'
import csv, sys
shared, tmp = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(shared + '/data/datasets/ag_news/test.csv', encoding='utf-8')))[1:]
open(tmp + '/agnews.txt', 'w').write('\n'.join((r[1] + ' ' + r[2]).replace('\n', ' ') for r in rows) + '\n')
out = []
for line in open(shared + '/data/datasets/stsbenchmark/sts-test.csv', encoding='utf-8'):
    c = line.rstrip('\n').split('\t')
    if len(c) >= 7: out += [c[5], c[6]]
open(tmp + '/stsb.txt', 'w').write('\n'.join(s.replace('\n', ' ') for s in out) + '\n')
PY
TJ=$SHARED/fixtures/tokenizer/tokenizer-json
echo "# tokenizer throughput, 1 thread — $(date -u +%FT%TZ)"
echo "# CPU: $(lscpu | sed -n 's/^Model name:[ \t]*//p')"
CLI=$BUILD/bin/semvec; [ -x "$CLI" ] || CLI=$BUILD/tools/cli/semvec
echo "# SIMD: $("$CLI" info 2>/dev/null | sed -n 's/.*SIMD level \([a-z0-9]*\).*/\1/p' | head -1 || true) (tokenizers are scalar code)"
echo "# load: $(uptime | sed 's/.*load average: //')"
printf '%-10s %-8s %-28s %9s %13s %9s\n' family corpus impl MB/s tokens/s semvec/x
export TOKENIZERS_PARALLELISM=false RAYON_NUM_THREADS=1
for family in wordpiece bpe unigram; do
  case $family in
    wordpiece) tj=$SHARED/data/tokenizers/bert-base-uncased/tokenizer.json; cfg=$TMP/bert_config.json; ours_json=
               echo '{"tokenizer_class": "BertTokenizer", "do_lower_case": true}' > "$cfg" ;;
    bpe)       tj=$TJ/roberta-base/tokenizer.json; cfg=$TJ/roberta-base/tokenizer_config.json; ours_json=$tj ;;
    unigram)   tj=$TJ/xlmr-unigram-8k/tokenizer.json; cfg=$TJ/xlmr-unigram-8k/tokenizer_config.json; ours_json=$tj ;;
  esac
  for corpus in agnews stsb; do
    ours=$(SEMVEC_TOK_JSON=$ours_json SEMVEC_TOK_CORPUS=$TMP/$corpus.txt "$BENCH" --benchmark_filter=BM_file \
             --benchmark_format=json 2>/dev/null | /usr/bin/python3 -c '
import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(b["bytes_per_second"]/1e6, b["tokens/s"])')
    read -r ours_mb ours_tok <<<"$ours"
    printf '%-10s %-8s %-28s %9.1f %13.0f %9s\n' "$family" "$corpus" semvec "$ours_mb" "$ours_tok" 1.00
    for peer in tjs hf; do
      [ -d "$PEERS_DIR/node_modules" ] || continue
      res=$(node "$ROOT/scripts/bench_tokenizer_peers.mjs" "$peer" "$PEERS_DIR/node_modules" "$tj" "$cfg" "$TMP/$corpus.txt" 2>/dev/null) || continue
      read -r p_mb p_tok p_name <<<"$(echo "$res" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); print(d["mb_s"], d["tokens_s"], d["peer"].replace(" ","_"))')"
      printf '%-10s %-8s %-28s %9.1f %13.0f %9s\n' "$family" "$corpus" "$p_name" "$p_mb" "$p_tok" \
        "$(/usr/bin/python3 -c "print(f'{$ours_mb/$p_mb:.2f}x')")"
    done
  done
done
echo "(MB = 1e6 bytes of UTF-8 input per second of CPU time (all rows); one text per call, special tokens added; semvec reads the same tokenizer.json"
echo " as the peers, except WordPiece where it reads vocab.txt; semvec/x = semvec's MB/s over the row's)"
