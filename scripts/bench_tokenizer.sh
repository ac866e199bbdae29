#!/usr/bin/env bash
# Single-thread tokenizer throughput, semvec vs transformers.js, same corpora, same run.
# usage: scripts/bench_tokenizer.sh [BUILD_DIR]   (needs bench_tokenizer built; transformers.js in $TJS_DIR)
# Corpora (one text per line, from ../shared): AG News test (title,description) and STS-B test sentences.
# Python HF tokenizers are not installable here (no python3-transformers/-tokenizers in Debian bookworm).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-tok}
SHARED=${SEMVEC_SHARED:-$ROOT/../shared}
TJS_DIR=${TJS_DIR:-/work/peers/tjs}   # npm install --ignore-scripts @huggingface/transformers@4.3.1 there
TOKJSON=$SHARED/data/tokenizers/bert-base-uncased/tokenizer.json
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
printf '%-8s %-22s %10s %14s %10s\n' corpus impl MB/s tokens/s ratio
for corpus in agnews stsb; do
  ours=$(SEMVEC_TOK_CORPUS=$TMP/$corpus.txt "$BUILD/bench/tokenizer/bench_tokenizer" --benchmark_filter=BM_file \
           --benchmark_format=json 2>/dev/null | /usr/bin/python3 -c '
import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print(b["bytes_per_second"]/1e6, b["tokens/s"])')
  read -r ours_mb ours_tok <<<"$ours"
  printf '%-8s %-22s %10.1f %14.0f %10s\n' "$corpus" semvec "$ours_mb" "$ours_tok" 1.00
  if [ -d "$TJS_DIR/node_modules/@huggingface/transformers" ]; then
    peer=$(node "$ROOT/scripts/peers/tokenizer_tjs.mjs" "$TJS_DIR" "$TOKJSON" "$TMP/$corpus.txt" | /usr/bin/python3 -c '
import json,sys; d=json.load(sys.stdin); print(d["mb_s"], d["tokens_s"], d["peer"].replace(" ","_"))')
    read -r p_mb p_tok p_name <<<"$peer"
    printf '%-8s %-22s %10.1f %14.0f %10s\n' "$corpus" "$p_name" "$p_mb" "$p_tok" \
      "$(/usr/bin/python3 -c "print(f'{$ours_mb/$p_mb:.1f}x')")"
  fi
done
echo "(ratio = semvec / peer; MB = 1e6 bytes; single thread; semvec via vocab.txt, transformers.js via tokenizer.json)"
